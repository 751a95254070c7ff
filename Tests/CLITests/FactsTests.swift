import Foundation
import XCTest

/// `resolve` and `plan` say what `build` will do: by default they use the engine's facts (its
/// bases, whether a registry answers, which wheel indexes answer), print them, and a saved facts
/// file gives the same answer anywhere.
final class FactsTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    func testResolveUsesTheEngineByDefaultAndSaysSo() throws {
        let facts = try CLI.run(["facts", "--json"])
        XCTAssertEqual(facts.status, 0, facts.stderr)
        let object = try facts.json()
        let bases = try XCTUnwrap(object["local_bases"] as? [[String: Any]])
        XCTAssertTrue(bases.contains { $0["reference"] as? String == Engine.base }, "\(bases)")

        let r = try CLI.run(["resolve", "examples/hello"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("facts: from engine "), r.stdout)
        // This machine has no registry: the build's base is the one `cogpack base` made, and
        // resolve now says the same (it said python:3.11-slim-bookworm before).
        if object["registry"] as? Bool == false {
            XCTAssertTrue(r.stdout.contains("base image   \(Engine.base)"), r.stdout)
        }
        let plain = try CLI.run(["resolve", "examples/hello", "--no-engine"])
        XCTAssertTrue(plain.stdout.contains("base image   python:3.11-slim-bookworm"), plain.stdout)
        XCTAssertTrue(plain.stdout.contains("facts: none"), plain.stdout)
    }

    /// The same model with the same facts: byte-identical plans, and the facts are in the plan.
    func testASavedFactsFileReproducesThePlan() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-facts-\(UUID().uuidString).json")
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        try CLI.run(["facts", "--json"]).stdout.write(to: file, atomically: true, encoding: .utf8)
        let fromEngine = try CLI.run(["plan", "examples/gpu-torch", "--json"])
        let fromFile = try CLI.run(["plan", "examples/gpu-torch", "--json", "--facts", file.path])
        XCTAssertEqual(fromEngine.status, 0, fromEngine.stderr)
        XCTAssertEqual(fromFile.stdout, fromEngine.stdout)
        let plan = try fromFile.json()
        let resolution = try XCTUnwrap(plan["resolution"] as? [String: Any])
        let facts = try XCTUnwrap(resolution["facts"] as? [String: Any], "the plan records its facts")
        XCTAssertNotNil(facts["registry"] as? Bool)
    }

    /// Only the package index answers (no download.pytorch.org): a GPU torch model gets the variant
    /// the package index serves, and the framework step installs from the package index alone.
    func testAGPUTorchModelGetsThePackageIndexVariant() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-facts-\(UUID().uuidString).json")
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        try #"{"origin": "", "local_bases": [], "registry": true, "unreachable_index_hosts": ["download.pytorch.org"]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["resolve", "examples/gpu-torch", "--json", "--facts", file.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let choices = try XCTUnwrap(try r.json()["choices"] as? [String: Any])
        XCTAssertEqual((choices["cuda"] as? [String: Any])?["value"] as? String, "12.1", "torch 2.3.1's default wheel on the package index is CUDA 12.1")
        // Without its lock, which would install the locked packages instead.
        let unlocked = FileManager.default.temporaryDirectory.appendingPathComponent("facts-gpu-torch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/gpu-torch"), to: unlocked)
        addTeardownBlock { try? FileManager.default.removeItem(at: unlocked) }
        try FileManager.default.removeItem(at: unlocked.appendingPathComponent("cogpack.lock"))
        let plan = try CLI.run(["plan", unlocked.path, "--facts", file.path])
        XCTAssertTrue(plan.stdout.contains("uv pip install torch==2.3.1 torchvision==0.18.1"), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("download.pytorch.org"), plan.stdout)
    }

    func testBadFactsAreBadInput() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-facts-\(UUID().uuidString).json")
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        try "{\"registry\": \"maybe\"}".write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["resolve", "examples/hello", "--facts", file.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("not cogpack facts"), r.stderr)
        let both = try CLI.run(["resolve", "examples/hello", "--facts", file.path, "--no-engine"])
        XCTAssertEqual(both.status, 2)
    }
}

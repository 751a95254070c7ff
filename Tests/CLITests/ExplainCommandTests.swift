import Foundation
import XCTest

/// `cogpack explain IMAGE`: what the labels of a built image say, printed as `resolve` and
/// `plan` printed it for the folder.
final class ExplainCommandTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// A copy of examples/hello, built and tagged `xp-explain-…`; the tag goes when the test ends.
    private func builtHello() throws -> (dir: URL, tag: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xp-explain-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/hello"), to: dir)
        let tag = "xp-explain-\(UUID().uuidString.prefix(8).lowercased())"
        addTeardownBlock {
            try? FileManager.default.removeItem(at: dir)
            _ = try? CLI.shell("docker rmi \(tag) >/dev/null 2>&1")
        }
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr)
        return (dir, tag)
    }

    /// The lines of a text without its `facts:` lines (the engine's images may change between
    /// two commands when other builds run; everything else is the same bytes).
    private func withoutFacts(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("facts: ") }.joined(separator: "\n")
    }

    func testExplainPrintsTheResolutionThePlanAndTheSDK() throws {
        let (dir, tag) = try builtHello()
        let resolve = try CLI.run(["resolve", dir.path])
        XCTAssertEqual(resolve.status, 0, resolve.stderr)
        let plan = try CLI.run(["plan", dir.path])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let explain = try CLI.run(["explain", tag])
        XCTAssertEqual(explain.status, 0, explain.stderr)
        let out = explain.stdout

        // Every choice with its reasons, exactly as `resolve` prints them, then the facts it assumed.
        let choices = withoutFacts(resolve.stdout).trimmingCharacters(in: .newlines)
        XCTAssertTrue(choices.contains("python       3.11\n             cog.yaml:3"), resolve.stdout)
        XCTAssertTrue(withoutFacts(out).contains(choices), "explain:\n\(out)\nresolve:\n\(resolve.stdout)")
        XCTAssertTrue(out.contains("facts: from engine "), out)
        // The stages, exactly as `plan` prints them.
        XCTAssertTrue(out.contains(plan.stdout.trimmingCharacters(in: .newlines)), "explain:\n\(out)\nplan:\n\(plan.stdout)")
        XCTAssertTrue(out.contains("\nexport.02-app\n") && out.contains("RUN uv pip install cog=="), out)
        // The SDK the image serves with: the `cog` choice.
        let sdk = try XCTUnwrap(resolve.stdout.split(separator: "\n").first { $0.hasPrefix("cog ") }?.split(separator: " ").last)
        XCTAssertTrue(out.contains("cog SDK  \(sdk)\n"), out)
        XCTAssertTrue(out.hasPrefix("image    \(tag) (sha256:"), out)
    }

    func testExplainJSONCarriesTheSameChoicesAndStages() throws {
        let (dir, tag) = try builtHello()
        let resolve = try CLI.run(["resolve", dir.path, "--json"]).json()
        let plan = try CLI.run(["plan", dir.path, "--json"]).json()
        let run = try CLI.run(["explain", tag, "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let explain = try run.json()
        XCTAssertEqual(explain["status"] as? String, "explained")
        let resolution = try XCTUnwrap(explain["resolution"] as? [String: Any])
        XCTAssertEqual(resolution["choices"] as? NSDictionary, resolve["choices"] as? NSDictionary)
        XCTAssertEqual(resolution["warnings"] as? [String], resolve["warnings"] as? [String])
        let stages = try XCTUnwrap((explain["plan"] as? [String: Any])?["stages"] as? [[String: Any]])
        XCTAssertEqual(stages as NSArray, plan["stages"] as? NSArray)
        let cog = try XCTUnwrap((resolve["choices"] as? [String: Any])?["cog"] as? [String: Any])
        XCTAssertEqual(explain["sdk_version"] as? String, cog["value"] as? String)
        let facts = try XCTUnwrap(explain["facts"] as? [String: Any])
        XCTAssertNotNil(facts["origin"])
    }

    func testAnImageCogpackDidNotBuildIsOneLineExit2() throws {
        // The base image has labels, but none of a model cogpack built.
        let run = try CLI.run(["explain", Engine.base])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("'\(Engine.base)' was not built by cogpack"), run.stderr)
        XCTAssertEqual(run.stdout, "")
    }

    func testAnUnknownImageIsExit2NamingIt() throws {
        let name = "xp-no-such-image-\(UUID().uuidString.prefix(8).lowercased())"
        let run = try CLI.run(["explain", name])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("no image '\(name)'"), run.stderr)
        let json = try CLI.run(["explain", name, "--json"]).json()
        XCTAssertEqual(json["status"] as? String, "error")
    }
}

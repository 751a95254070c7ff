import Foundation
import XCTest

final class ResolveCommandTests: XCTestCase {
    func testResolvedJSONHasTheDocumentedShape() throws {
        let r = try CLI.run(["resolve", "examples/gpu-torch", "--json", "--no-engine"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try r.json()
        XCTAssertEqual(json["status"] as? String, "resolved")
        XCTAssertNotNil(json["warnings"] as? [String])
        let choices = try XCTUnwrap(json["choices"] as? [String: Any])
        for key in ["python", "torch", "torchvision", "cuda", "base_image", "driver_min", "apt_packages"] {
            let entry = try XCTUnwrap(choices[key] as? [String: Any], "no \(key) in \(choices.keys.sorted())")
            XCTAssertNotNil(entry["value"], key)
            XCTAssertNotNil(entry["alternatives"] as? [String], key)
            let reasons = try XCTUnwrap(entry["reasons"] as? [[String: String]], key)
            for reason in reasons {
                XCTAssertNotNil(reason["source"], key)
                XCTAssertNotNil(reason["text"], key)
            }
        }
        XCTAssertEqual((choices["torch"] as? [String: Any])?["value"] as? String, "2.3.1")
        XCTAssertTrue(((choices["apt_packages"] as? [String: Any])?["value"] as? [String])?.contains("ffmpeg") ?? false)
        XCTAssertNil(choices["tensorflow"], "a variable that does not apply is absent")
    }

    func testJSONIsTheSameEveryRun() throws {
        let a = try CLI.run(["resolve", "examples/gpu-torch", "--json", "--no-engine"])
        let b = try CLI.run(["resolve", "examples/gpu-torch", "--json", "--no-engine"])
        XCTAssertEqual(a.stdout, b.stdout)
    }

    func testConflictExitsOneWithCoreAndCorrections() throws {
        let r = try CLI.run(["resolve", "examples/conflict", "--json", "--no-engine"])
        XCTAssertEqual(r.status, 1)
        let json = try r.json()
        XCTAssertEqual(json["status"] as? String, "conflict")
        let conflict = try XCTUnwrap(json["conflict"] as? [String: Any])
        let core = try XCTUnwrap(conflict["core"] as? [[String: String]])
        XCTAssertTrue(core.contains { $0["source"] == "cog.yaml:4" }, "\(core)")
        let corrections = try XCTUnwrap(conflict["corrections"] as? [[String: Any]])
        XCTAssertFalse(corrections.isEmpty)
        let changes = try XCTUnwrap(corrections.first?["changes"] as? [[String: Any]])
        XCTAssertNotNil(changes.first?["source"] as? String)
        XCTAssertNotNil(changes.first?["from"] as? String)
        XCTAssertTrue(changes.first?.keys.contains("to") ?? false)

        let text = try CLI.run(["resolve", "examples/conflict", "--no-engine"])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stdout.contains("cannot all hold"), text.stdout)
    }

    func testBadInputExitsTwoNamingFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\n".write(
            to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        try "numpy\ntorch==2.x\n".write(to: dir.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)

        let text = try CLI.run(["resolve", dir.path])
        XCTAssertEqual(text.status, 2)
        XCTAssertTrue(text.stderr.contains("requirements.txt:2"), text.stderr)
        XCTAssertEqual(text.stdout, "")

        let json = try CLI.run(["resolve", dir.path, "--json"]).json()
        XCTAssertEqual(json["status"] as? String, "error")
        XCTAssertEqual((json["error"] as? [String: String])?["source"], "requirements.txt:2")
    }

    /// An entry Cog builds but cogpack reads differently ("ffmpeg libsm6" is two packages) is
    /// resolved, with a warning that names its line, in text and in JSON.
    func testWarningsAboutTheModelFilesAreShown() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "build:\n  python_version: \"3.11\"\n  system_packages:\n    - \"ffmpeg libsm6\"\npredict: \"predict.py:Predictor\"\n".write(
            to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        try "".write(to: dir.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)

        let text = try CLI.run(["resolve", dir.path])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("warning: cog.yaml:4"), text.stdout)
        let json = try CLI.run(["resolve", dir.path, "--json"]).json()
        let warnings = try XCTUnwrap(json["warnings"] as? [String])
        XCTAssertTrue(warnings.contains { $0.hasPrefix("cog.yaml:4") && $0.contains("names 2 packages") }, "\(warnings)")
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try CLI.run(["resolve", "--no-such-flag"]).status, 2)
        XCTAssertEqual(try CLI.run(["resolve", "examples/gpu-torch", "--driver", "new"]).status, 2)
        XCTAssertEqual(try CLI.run(["resolve", "examples/gpu-torch", "--why-not", "cuda"]).status, 2)
    }

    func testWhyNotNamesWhatExcludesTheValue() throws {
        let r = try CLI.run(["resolve", "examples/gpu-torch", "--why-not", "cuda=12.4", "--no-engine"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("requirements.txt:1"), r.stdout)
    }
}

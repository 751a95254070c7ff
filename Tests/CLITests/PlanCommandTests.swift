import Foundation
import XCTest

final class PlanCommandTests: XCTestCase {
    /// Outside any repository (a copy in the temporary folder): the plan is the snapshot, byte
    /// for byte.
    func testJSONIsTheReviewedSnapshot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/gpu-torch"), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["plan", dir.path, "--json", "--no-engine"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let snapshot = try String(contentsOf: CLI.repo.appendingPathComponent("Tests/PlannerTests/Snapshots/gpu-torch.json"), encoding: .utf8)
        XCTAssertEqual(r.stdout, snapshot)
    }

    /// In a git repository, the plan carries Cog's OCI labels of its revision (and tag, if any).
    func testAFolderInARepositoryGetsItsRevisionLabel() throws {
        let head = try CLI.shell("git -C \(CLI.repo.path) rev-parse HEAD")
        XCTAssertEqual(head.status, 0, "the tests run from a git checkout (as CI's clone): \(head.stderr)")
        var env = ProcessInfo.processInfo.environment
        env["GITHUB_SHA"] = nil
        env["GITHUB_REF_NAME"] = "v9.9.9"
        let r = try CLI.run(["plan", "examples/hello", "--json", "--no-engine"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        let labels = try XCTUnwrap((try r.json()["export"] as? [String: Any])?["labels"] as? [String: String])
        XCTAssertEqual(labels["org.opencontainers.image.revision"], head.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(labels["org.opencontainers.image.version"], "v9.9.9")
        XCTAssertNotNil(labels["run.cog.openapi_schema"])
    }

    func testTextShowsPhasesInOrder() throws {
        let r = try CLI.run(["plan", "examples/gpu-torch", "--no-engine"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let phases = r.stdout.split(separator: "\n").filter { $0.hasPrefix("build.") || $0.hasPrefix("export.") }.map(String.init)
        XCTAssertEqual(phases, phases.sorted())
        XCTAssertTrue(phases.contains("build.03-framework-deps"))
        XCTAssertTrue(r.stdout.contains("framework: torch 2.3.1"), r.stdout)
    }

    /// A file name with a CR (legal on Linux) cannot make a plan line look like another: the
    /// text shows it escaped.
    func testTextEscapesControlCharactersInFileNames() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("plan-cr-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: dir.appendingPathComponent("weights"), withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        for file in ["cog.yaml", "predict.py"] {
            try fm.copyItem(at: CLI.repo.appendingPathComponent("examples/weights/\(file)"), to: dir.appendingPathComponent(file))
        }
        try Data(count: 11 << 20).write(to: dir.appendingPathComponent("weights/a\rCOPY evil.bin"))
        let r = try CLI.run(["plan", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("\r"))
        XCTAssertTrue(r.stdout.contains(#"weights/a\rCOPY evil.bin"#), r.stdout)
    }

    func testConflictExitsOneAndBadInputTwo() throws {
        let conflict = try CLI.run(["plan", "examples/conflict", "--no-engine"])
        XCTAssertEqual(conflict.status, 1)
        XCTAssertTrue(conflict.stdout.contains("cannot all hold"))
        let missing = try CLI.run(["plan", "no-such-folder", "--json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(try missing.json()["status"] as? String, "error")
    }
}

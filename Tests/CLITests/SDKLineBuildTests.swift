import Foundation
import XCTest

/// A model on a Python the newest cog SDK does not run on gets the newest release that does, and
/// the image serves predictions with it.
final class SDKLineBuildTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// Python 3.9: cog 0.16.12 (the 0.17 line needs 3.10), whose own FastAPI server answers
    /// `python -m cog.server.http`; offline, on the base `cogpack base --suite bullseye` makes.
    func testAPython39ModelGetsThe016SDKAndServes() throws {
        if try CLI.shell("docker image inspect cogpack/base:bullseye-python3.9 >/dev/null 2>&1").status != 0 {
            let made = try CLI.run(["base", "--suite", "bullseye"])
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-sdk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/hello"), to: dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try "build:\n  python_version: \"3.9\"\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)

        let resolved = try CLI.run(["resolve", dir.path])
        XCTAssertEqual(resolved.status, 0, resolved.stdout + resolved.stderr)
        XCTAssertTrue(resolved.stdout.contains("cog          0.16.12"), resolved.stdout)

        let tag = "cogpack-it-python39-sdk016"
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        let versions = try CLI.shell("docker run --rm --entrypoint python \(tag) -c 'import sys, cog; print(sys.version_info[:2], cog.__version__)'")
        XCTAssertEqual(versions.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "(3, 9) 0.16.12", versions.stderr)
        let label = try CLI.shell("docker image inspect \(tag) --format '{{index .Config.Labels \"run.cog.version\"}}'")
        XCTAssertEqual(label.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.16.12")
        let output = try Engine.predict(image: tag, input: ["name": "bullseye"], test: self)
        XCTAssertEqual(output["status"] as? String, "succeeded", "\(output)")
        XCTAssertEqual(output["output"] as? String, "hello, bullseye", "\(output)")
    }
}

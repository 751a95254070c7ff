import Foundation
import XCTest

/// A framework added as data only (rules/frameworks.yaml and its rows) builds and serves like
/// the others: the JAX example on CPU.
final class FrameworkBuildTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    func testTheJAXExampleBuildsAndPredicts() throws {
        let dir = CLI.repo.appendingPathComponent("examples/jax-cpu")
        let resolved = try CLI.run(["resolve", dir.path, "--json"])
        XCTAssertEqual(resolved.status, 0, resolved.stdout + resolved.stderr)
        let choices = try XCTUnwrap(try resolved.json()["choices"] as? [String: Any])
        let jax = try XCTUnwrap(choices["jax"] as? [String: Any])
        XCTAssertEqual(jax["value"] as? String, "0.7.0")
        XCTAssertEqual((jax["details"] as? [String: Any])?["variant"] as? String, "cpu", "the cpu row of jax 0.7.0 was chosen")

        let tag = "cogpack-it-jax-cpu"
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        // The example carries its lock: jax, jaxlib and what they need (6 packages, exact and
        // hashed) in the framework stage.
        XCTAssertTrue(built.stderr.contains("[framework] uv pip install --no-deps --require-hashes (6 locked packages)"), built.stderr)
        let versions = try CLI.shell("docker run --rm --entrypoint python \(tag) -c 'import jax, jaxlib; print(jax.__version__, jaxlib.__version__)'")
        XCTAssertEqual(versions.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.7.0 0.7.0", versions.stderr)
        // setup() checks jax.grad; the prediction runs the jitted polynomial: 3·4 + 2·2 + 1.
        let output = try Engine.predict(image: tag, input: ["x": 2.0], test: self)
        XCTAssertEqual(output["status"] as? String, "succeeded", "\(output)")
        XCTAssertEqual(output["output"] as? Double, 17.0, "\(output)")
    }
}

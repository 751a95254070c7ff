import Foundation
import XCTest

/// The examples carry their `cogpack.lock`, and each is fresh: `cogpack lock --check` needs no
/// network and no uv. It is run with no engine, so that the answer is the same on every machine
/// (an engine's facts, such as which wheel indexes answer, can move a choice the lock records).
/// After a change of the rules or data that moves a choice, relock: `cogpack lock examples/NAME`.
final class ExampleLocksTests: XCTestCase {
    /// Those with Python requirements whose lock holds on any machine. cpu-torch has none: its
    /// torch variant depends on whether the PyTorch index answers (`cpu` from it, else PyPI's).
    static let locked = ["gpu-torch", "image-invert", "jax-cpu", "system-run", "tensorflow", "tensorflow-cpu"]

    func testEveryExampleLockIsFresh() throws {
        let examples = CLI.repo.appendingPathComponent("examples")
        let withLock = try FileManager.default.contentsOfDirectory(atPath: examples.path)
            .filter { FileManager.default.fileExists(atPath: examples.appendingPathComponent("\($0)/cogpack.lock").path) }
        XCTAssertEqual(withLock.sorted(), Self.locked)
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_HOST"] = "unix:///nonexistent/cogpack-no-engine.sock"
        for name in Self.locked {
            let r = try CLI.run(["lock", "--check", "examples/\(name)"], environment: environment)
            XCTAssertEqual(r.status, 0, "examples/\(name): \(r.stderr); run `cogpack lock examples/\(name)`")
        }
    }
}

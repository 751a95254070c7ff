import Foundation
import Maintenance
import Rules
import XCTest

/// Each folder under Fixtures/ is a model with an `expect.yaml` (see `Scenario`): the status,
/// values chosen variables must have or the sources a conflict core must name, and warnings.
/// `cogpack rules test` runs the same scenarios with the same runner.
final class ScenarioTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func testEveryScenario() throws {
        let kb = try KnowledgeBase.load(root: Self.repo)
        let scenarios = try Scenario.all(under: [Self.fixtures])
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
        XCTAssertEqual(scenarios.count, folders.count, "every fixture folder needs an expect.yaml")
        XCTAssertFalse(scenarios.isEmpty)
        for result in ScenarioRunner(kb: kb).runAll(scenarios) {
            for failure in result.failures { XCTFail("\(result.scenario): \(failure)") }
        }
    }

    /// The runner itself: a scenario whose expectation is wrong fails, with the reason.
    func testAWrongExpectationFails() throws {
        let kb = try KnowledgeBase.load(root: Self.repo)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-scenario-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("cpu-torch"), to: dir)
        try "status: conflict\ncore: [\"cog.yaml:1\"]\n".write(to: dir.appendingPathComponent("expect.yaml"), atomically: true, encoding: .utf8)
        let result = ScenarioRunner(kb: kb).run(try Scenario(folder: dir, name: "wrong"))
        XCTAssertEqual(result.outcome, "resolved")
        XCTAssertTrue(result.failures.contains { $0.contains("expected conflict, got a resolution") }, "\(result.failures)")
    }
}

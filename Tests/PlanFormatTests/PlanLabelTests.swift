import Foundation
import PlanFormat
import XCTest

/// The plan an image keeps in its `dev.cogpack.plan` label.
final class PlanLabelTests: XCTestCase {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PlannerTests/Snapshots")

    func testTheLabelKeepsTheStagesAndReadsBack() throws {
        for name in ["hello", "gpu-torch", "system-run"] {
            let data = try Data(contentsOf: Self.snapshots.appendingPathComponent("\(name).json"))
            let plan = try Plan.decode(data, display: name)
            let text = try plan.labelText()
            XCTAssertEqual(try plan.labelText(), text, "\(name): the same plan, the same label")
            XCTAssertFalse(text.contains("\n"), "\(name): one line")
            let back = try XCTUnwrap(Plan.fromLabel(text), name)
            XCTAssertEqual(back, plan.labelRecord)
            XCTAssertEqual(back.stages, plan.stages)
            XCTAssertEqual(back.export.cmd, plan.export.cmd)
            XCTAssertEqual(back.resolution.warnings, plan.resolution.warnings)
            XCTAssertEqual(back.resolution.facts, plan.resolution.facts)
            // What the image has anyway, or the resolution label holds, is left out.
            XCTAssertTrue(back.contexts.isEmpty && back.export.labels.isEmpty && back.resolution.choices.isEmpty, name)
            XCTAssertLessThan(text.utf8.count, data.count / 2, "\(name): compact")
        }
        XCTAssertNil(Plan.fromLabel("{\"format\":\"cogpack.plan/1\"}"))
        XCTAssertNil(Plan.fromLabel("not json"))
    }
}

@testable import Builder
import PlanFormat
import XCTest

/// The history times of the image config: with `fixed_history_time` the entries the build adds
/// carry the base image's `created` (the exporter then fills in nothing that changes from one
/// build to the next); without it they carry none, and BuildKit writes when each layer was made.
final class ImageConfigTimeTests: XCTestCase {
    private let base: [String: Any] = ["architecture": "amd64", "os": "linux", "created": "2026-01-02T03:04:05Z",
                                       "history": [["created": "2026-01-02T03:04:05Z", "created_by": "debootstrap"]]]

    private func export(fixed: Bool?) -> Plan.ExportConfig {
        Plan.ExportConfig(entrypoint: [], cmd: ["python"], env: [], workingDir: "/src", user: nil, exposedPorts: [], labels: [:], fixedHistoryTime: fixed)
    }

    func testFixedHistoryTimeIsTheBasesCreationTime() throws {
        let config = ImageConfig.merge(base: base, export: export(fixed: true), platform: .linuxAMD64, history: ["RUN a", "copy b"])
        let history = try XCTUnwrap(config["history"] as? [[String: Any]])
        XCTAssertEqual(history.map { $0["created"] as? String }, Array(repeating: "2026-01-02T03:04:05Z", count: 3))
        // The image's own time is the base's: the exporter keeps a `created` it is given.
        XCTAssertEqual(config["created"] as? String, "2026-01-02T03:04:05Z")
    }

    func testWithoutItTheAddedEntriesHaveNoTime() throws {
        for fixed in [nil, false] as [Bool?] {
            let config = ImageConfig.merge(base: base, export: export(fixed: fixed), platform: .linuxAMD64, history: ["RUN a"])
            let history = try XCTUnwrap(config["history"] as? [[String: Any]])
            XCTAssertEqual(history.count, 2)
            XCTAssertNil(history[1]["created"])
        }
    }

    func testTheFlagIsLeftOutOfThePlanJSONUnlessSet() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        XCTAssertFalse(String(decoding: try encoder.encode(export(fixed: nil)), as: UTF8.self).contains("fixed_history_time"))
        let set = String(decoding: try encoder.encode(export(fixed: true)), as: UTF8.self)
        XCTAssertTrue(set.contains("\"fixed_history_time\":true"), set)
        XCTAssertEqual(try JSONDecoder().decode(Plan.ExportConfig.self, from: Data(set.utf8)).fixedHistoryTime, true)
    }
}

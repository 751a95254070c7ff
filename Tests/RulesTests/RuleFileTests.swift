@testable import Rules
import XCTest

/// The rule loader: an apt rule says what makes it fire, a command is a program name.
final class RuleFileTests: XCTestCase {
    private func rules(_ text: String) throws -> [Rule] {
        try RuleFileParser.rules(try YAMLFile.parse(text, display: "rules/test.yaml"))
    }

    func testAnAptRuleFiresOnAPackageOrACommand() throws {
        let loaded = try rules("""
        rules:
          - {id: a, message: m, when: {package: Soundfile}, apt: [libsndfile1]}
          - {id: b, message: m, when: {command: curl}, apt: [curl]}
        """)
        XCTAssertEqual(loaded.map(\.when.package), ["soundfile", nil])
        XCTAssertEqual(loaded.map(\.when.command), [nil, "curl"])
    }

    func testAnAptRuleWithNeitherOrBothIsRefusedWithItsLine() {
        for body in ["{id: x, message: m, apt: [curl]}", "{id: x, message: m, when: {package: a, command: b}, apt: [curl]}"] {
            XCTAssertThrowsError(try rules("rules:\n  - \(body)\n")) { error in
                XCTAssertTrue("\(error)".contains("rules/test.yaml:2"), "\(error)")
                XCTAssertTrue("\(error)".contains("when.package"), "\(error)")
            }
        }
    }

    func testACommandIsAProgramName() {
        for bad in ["/usr/bin/curl", "curl -L", ""] {
            XCTAssertThrowsError(try rules("rules:\n  - {id: x, message: m, when: {command: \"\(bad)\"}, apt: [curl]}\n"), bad)
        }
    }

    /// The shipped rules load, and every command rule names one program.
    func testTheShippedCommandRulesLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let kb = try KnowledgeBase.load(root: root)
        let commands = kb.rules.compactMap(\.when.command)
        XCTAssertTrue(commands.contains("curl") && commands.contains("git") && commands.contains("wget"), "\(commands)")
        XCTAssertEqual(Set(commands).count, commands.count, "one rule a program")
    }
}

import Foundation
import Rules
import XCTest

final class CogYAMLSchemaTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func parse(_ text: String) throws -> CogYAMLSchema {
        try CogYAMLSchema.parse(try YAMLFile.parse(text, display: "rules/cog-yaml.yaml"))
    }

    func testTheRepositoryFileHasEveryReleaseKeyWithItsUse() throws {
        let schema = try CogYAMLSchema.parse(try YAMLFile.load(path: Self.repo.appendingPathComponent(CogYAMLSchema.file),
                                                                display: CogYAMLSchema.file))
        XCTAssertEqual(schema.key("build.fast")?.use, .ignored)
        XCTAssertEqual(schema.key("build.fast")?.until, DottedVersion("0.17.0"))
        XCTAssertEqual(schema.key("build.python_version")?.use, .applied)
        XCTAssertEqual(schema.key("weights")?.use, .applied)
        XCTAssertEqual(schema.key("model")?.use, .ignored)
        XCTAssertEqual(schema.keys(in: "build.run[]").map(\.name), ["command", "mounts"])
        XCTAssertEqual(schema.suggestion(for: "gpus", in: "build"), "gpu")
        XCTAssertNil(schema.suggestion(for: "colour", in: "build"))
    }

    func testMistakesInTheFileNameTheirLine() {
        let cases: [(String, Int, String)] = [
            ("keys:\n  - key: a\n    since: \"0.9.0\"\n    use: applied\n    message: m\n  - key: a\n    since: \"0.9.0\"\n    use: applied\n    message: m\n",
             6, "listed twice"),
            ("keys:\n  - key: a.b\n    since: \"0.9.0\"\n    use: applied\n    message: m\n", 2, "not listed above it"),
            ("keys:\n  - key: a\n    since: \"0.9.0\"\n    use: honoured\n    message: m\n", 4, "use must be one of"),
            ("keys:\n  - key: a\n    since: \"0.17.0\"\n    until: \"0.9.0\"\n    use: ignored\n    message: m\n", 4, "later release"),
            ("keys:\n  - key: a\n    since: \"0.9\"\n    use: applied\n    message: m\n", 3, "a release of Cog"),
            ("keys:\n  - key: a\n    since: \"0.9.0\"\n    use: applied\n", 2, "needs key, since, use and message"),
            ("keys:\n  - key: a\n    sinse: \"0.9.0\"\n    use: applied\n    message: m\n", 3, "unknown key 'sinse'"),
        ]
        for (text, line, words) in cases {
            XCTAssertThrowsError(try parse(text), words) { error in
                guard let e = error as? InputError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.source, Provenance(file: "rules/cog-yaml.yaml", line: line), "\(e)")
                XCTAssertTrue(e.message.contains(words), "'\(e.message)' lacks '\(words)'")
            }
        }
    }
}

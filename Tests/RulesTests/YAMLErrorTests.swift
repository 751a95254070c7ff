import Rules
import XCTest

final class YAMLErrorTests: XCTestCase {
    func testDuplicateKeysGiveOneLineAtTheRepetition() {
        let text = "a: 1\nnested:\n  b: 2\n  c: 3\n  b: 4\n"
        XCTAssertThrowsError(try YAMLFile.parse(text, display: "x.yaml")) { error in
            guard let e = error as? InputError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.source, Provenance(file: "x.yaml", line: 5))
            XCTAssertFalse(e.description.contains("\n"), e.description)
            XCTAssertFalse(e.description.contains("nested"), "the document stays out of the message: \(e)")
        }
    }

    func testDuplicateKeysWithOtherLineEndsDoNotCrash() {
        // Found by scripts/fuzz.sh (CogYAML): libyaml counts a lone \r as a line end, so the mark
        // of the first `i` is on line 2 of what used to be split into one line, and the search for
        // the repetition started past the end (a trap on a reversed range).
        XCTAssertThrowsError(try YAMLFile.parse("\ri:\ri:", display: "cog.yaml")) { error in
            XCTAssertEqual((error as? InputError)?.source, Provenance(file: "cog.yaml", line: 3))
        }
        for end in ["\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"] {
            let text = ["build:", "  gpu: true", "  gpu: false", ""].joined(separator: end)
            XCTAssertThrowsError(try YAMLFile.parse(text, display: "cog.yaml"), end.debugDescription) { error in
                XCTAssertEqual((error as? InputError)?.source, Provenance(file: "cog.yaml", line: 3), end.debugDescription)
            }
        }
    }

    func testLineTextFindsWhatBreaksALine() {
        XCTAssertNil(LineText.firstControl(in: "torch==2.3.1 ; python_version >= \"3.9\""))
        XCTAssertEqual(LineText.firstControl(in: "a\tb"), "\t")
        XCTAssertNil(LineText.firstControl(in: "a\tb", allowingTab: true))
        for bad in ["\n", "\r", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{2028}", "\u{2029}", "\u{0B}", "\u{0C}"] {
            XCTAssertNotNil(LineText.firstControl(in: "x" + bad + "y", allowingTab: true), bad.debugDescription)
        }
        XCTAssertEqual(LineText.quoted("a\nb\u{1B}"), "'a\\nb\\u{1B}'")
    }
}

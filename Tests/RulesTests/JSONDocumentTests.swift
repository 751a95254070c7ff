@testable import Rules
import XCTest
import Yams

/// The JSON reader of the data file: the same values and lines the YAML composer gave, and bad
/// JSON refused with the line it goes wrong on.
final class JSONDocumentTests: XCTestCase {
    func parse(_ text: String) throws -> YAMLValue { try YAMLFile.parse(text, display: "data/x.json") }

    func testValuesKindsAndLines() throws {
        let doc = try parse("""
            {
              "format": 2,
              "rows": [
                {"package": "torch", "version": "2.3.1", "cuda": null, "pypi": true, "python": 3.10},
                {"package": "t\\u00e9st \\"q\\" \\ud83d\\ude00\\n", "n": -12, "e": 1.5e3, "f": false}
              ]
            }
            """)
        let top = try doc.mapping("top", allowed: ["format", "rows"])
        XCTAssertEqual(try top["format"]!.int("format"), 2)
        XCTAssertEqual(top["format"]!.provenance, Provenance(file: "data/x.json", line: 2))
        let rows = try top["rows"]!.sequence("rows")
        XCTAssertEqual(rows.map(\.provenance.line), [4, 5])
        let first = try rows[0].mapping("row", allowed: ["package", "version", "cuda", "pypi", "python"])
        XCTAssertEqual(try first["package"]!.string("package"), "torch")
        XCTAssertEqual(first["cuda"]!.kind, .null)
        XCTAssertEqual(try first["pypi"]!.bool("pypi"), true)
        // A number keeps its text: 3.10 is not 3.1.
        XCTAssertEqual(try first["python"]!.versionText("python"), "3.10")
        XCTAssertEqual(first["python"]!.kind, .number)
        XCTAssertThrowsError(try first["version"]!.int("version"))
        let second = try rows[1].mapping("row", allowed: ["package", "n", "e", "f"])
        XCTAssertEqual(try second["package"]!.string("package"), "t\u{e9}st \"q\" \u{1F600}\n")
        XCTAssertEqual(try second["n"]!.int("n"), -12)
        XCTAssertEqual(try second["e"]!.double("e"), 1500)
        XCTAssertThrowsError(try second["e"]!.int("e"), "1.5e3 is not a whole number")
        XCTAssertEqual(try second["f"]!.bool("f"), false)
    }

    func testBadJSONNamesItsLine() {
        let cases: [(String, Int, String)] = [
            ("{\n  \"a\": 1,\n  \"a\": 2\n}", 3, "appears twice"),
            ("{\n  \"a\": [1, 2,\n  ]\n}", 3, "unexpected ']'"),
            ("{\n  \"a\": tru\n}", 2, "unexpected 't'"),
            ("{\n  \"a\": \"x\n\"}", 2, "control character"),
            ("{\n  \"a\": 01\n}", 2, "may not start with 0"),
            ("{\n  \"a\": \"\\q\"\n}", 2, "unknown escape"),
            ("{\n  \"a\": \"\\ud800\"\n}", 2, "surrogate"),
            ("{\"a\": 1}\n{", 2, "after the end"),
            ("{\n  \"a\": 1\n", 3, "ends inside an object"),
            ("", 1, "empty"),
            (String(repeating: "[", count: 100), 1, "nested more than"),
        ]
        for (text, line, words) in cases {
            XCTAssertThrowsError(try parse(text), text) { error in
                guard let e = error as? InputError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.source, Provenance(file: "data/x.json", line: line), text)
                XCTAssertTrue(e.description.contains(words), "\(text.debugDescription): \(e)")
                XCTAssertFalse(e.description.contains("\n"), e.description)
            }
        }
    }

    func testTheDataFileReadsAsTheYAMLComposerReadIt() throws {
        // The shipped data file, read both ways: every value and line the same.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("data/cuda-matrix.json"), encoding: .utf8)
        let fast = try YAMLFile.parse(text, display: "data/cuda-matrix.json")
        let composed = YAMLValue(node: DocumentNode(try XCTUnwrap(try Yams.compose(yaml: text))), file: "data/cuda-matrix.json")
        func flat(_ v: YAMLValue, _ path: String, into out: inout [String]) throws {
            out.append("\(path) \(v.kind) \(v.provenance.line ?? -1) \(v.scalarText ?? "")")
            switch v.kind {
            case .mapping: for e in try v.entries(path) { try flat(e.value, path + "/" + e.key, into: &out) }
            case .sequence: for (i, item) in try v.sequence(path).enumerated() { try flat(item, path + "/\(i)", into: &out) }
            default: break
            }
        }
        var a: [String] = [], b: [String] = []
        try flat(fast, "", into: &a)
        try flat(composed, "", into: &b)
        XCTAssertGreaterThan(a.count, 5_000)
        XCTAssertEqual(a, b)
    }

    func testMangledJSONIsRefusedOrReadNeverACrash() throws {
        // Cut, flip and duplicate bytes of a small document many times over (a fixed seed, so a
        // failure repeats): every result parses or is an InputError with a line.
        let seed = Array(#"{"a": [1, -2.5e3, "x\u00e9\n", true, null, {"b": {}}], "c": "d"}"#.utf8)
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<5_000 {
            var bytes = seed
            for _ in 0..<(1 + next(4)) {
                let i = next(bytes.count)
                switch next(4) {
                case 0: bytes.remove(at: i)
                case 1: bytes[i] = UInt8(next(256))
                case 2: bytes.insert(bytes[next(bytes.count)], at: i)
                default: bytes = Array(bytes[..<i])
                }
                if bytes.isEmpty { break }
            }
            do {
                _ = try YAMLFile.parse(String(decoding: bytes, as: UTF8.self), display: "data/x.json")
            } catch let e as InputError {
                XCTAssertNotNil(e.source.line, e.description)
                XCTAssertFalse(e.description.contains("\n"), e.description)
            }
        }
    }

    func testPlainWordsGetTheKindYamsResolvesThemTo() throws {
        // The letter-first shortcut against Yams' own regular expressions.
        let words = ["yes", "Yes", "YES", "yEs", "no", "No", "NO", "nO", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
                     "on", "On", "ON", "oN", "off", "Off", "OFF", "null", "Null", "NULL", "nULL", "nil", "none", "None", "y", "n",
                     "torch", "t", "f", "o", "nan", "inf", "e5", "x1", "Z", "yes please", "trueish", "offset"]
        for word in words {
            let node = try XCTUnwrap(try Yams.compose(yaml: "k: \(word)\n"))
            let value = try YAMLValue(node: DocumentNode(node), file: "t.yaml").mapping("t", allowed: ["k"])["k"]!
            let scalar = try XCTUnwrap(node.mapping?["k"])
            let expected: YAMLValue.Kind
            switch scalar.tag.description {
            case Tag.Name.bool.rawValue: expected = .bool
            case Tag.Name.null.rawValue: expected = .null
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue: expected = .number
            default: expected = .string
            }
            XCTAssertEqual(value.kind, expected, word)
            XCTAssertEqual(DocumentNode.kind(ofLetterScalar: word), expected, word)
            if expected == .bool { XCTAssertEqual(try value.bool(word), scalar.bool, word) }
        }
    }
}

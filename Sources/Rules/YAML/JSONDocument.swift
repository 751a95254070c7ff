/// Reads a JSON file into the nodes YAML files become, with the line of each value, so that the
/// readers of `YAMLValue` read it unchanged and its errors name lines.
///
/// The data file (`data/cuda-matrix.json`, about 1,200 rows) went through Yams before: libyaml's
/// scanner, then a tag found by regular expressions for every plain scalar, took about a fifth
/// of a cold `resolve`. JSON says what each value is, so one pass over the bytes makes the
/// typed tree.
enum JSONDocument {
    static func parse(_ bytes: [UInt8], display: String) throws -> YAMLValue {
        var reader = Reader(bytes: bytes, display: display)
        reader.skipSpace()
        guard reader.at < bytes.count else { throw reader.fail("file is empty; expected a JSON object") }
        let node = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.at == bytes.count else { throw reader.fail("text after the end of the JSON value; remove it") }
        return YAMLValue(node: node, file: display)
    }

    private struct Reader {
        let bytes: [UInt8]
        let display: String
        var at = 0
        var line = 1
        var lineStart = 0

        /// Deep enough for any table; a file nested deeper is refused rather than overflowing the stack.
        static let maxDepth = 64

        init(bytes: [UInt8], display: String) {
            self.bytes = bytes
            self.display = display
        }

        func fail(_ message: String) -> InputError { InputError(Provenance(file: display, line: line), "not valid JSON: " + message) }

        mutating func skipSpace() {
            while at < bytes.count {
                switch bytes[at] {
                case UInt8(ascii: "\n"):
                    at += 1
                    line += 1
                    lineStart = at
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): at += 1
                default: return
                }
            }
        }

        func scalar(_ text: String, _ kind: YAMLValue.Kind, _ line: Int, bool: Bool? = nil, int: Int? = nil, double: Double? = nil) -> DocumentNode {
            .scalar(.init(text: text, kind: kind, bool: bool, int: int, double: double, line: line))
        }

        mutating func value(depth: Int) throws -> DocumentNode {
            guard depth < Self.maxDepth else { throw fail("nested more than \(Self.maxDepth) levels deep") }
            guard at < bytes.count else { throw fail("the file ends where a value was expected") }
            let start = line
            switch bytes[at] {
            case UInt8(ascii: "{"): return try object(depth: depth, start: start)
            case UInt8(ascii: "["): return try array(depth: depth, start: start)
            case UInt8(ascii: "\""): return scalar(try string(), .string, start)
            case UInt8(ascii: "t"): try word("true"); return scalar("true", .bool, start, bool: true)
            case UInt8(ascii: "f"): try word("false"); return scalar("false", .bool, start, bool: false)
            case UInt8(ascii: "n"): try word("null"); return scalar("null", .null, start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number(start: start)
            default: throw fail("unexpected \(shown(bytes[at])) where a value was expected")
            }
        }

        mutating func object(depth: Int, start: Int) throws -> DocumentNode {
            at += 1
            var pairs: [(key: DocumentNode, value: DocumentNode)] = []
            var seen: [String: Int] = [:]
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
                at += 1
                return .mapping(pairs, line: start)
            }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                let keyLine = line
                let key = try string()
                if let first = seen[key] {
                    throw InputError(Provenance(file: display, line: keyLine),
                                     "key \(LineText.quoted(key)) appears twice in the same object (first at line \(first)); keep one")
                }
                seen[key] = keyLine
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail("expected ':' after the key \(LineText.quoted(key))") }
                at += 1
                skipSpace()
                let v = try value(depth: depth + 1)
                pairs.append((key: scalar(key, .string, keyLine), value: v))
                skipSpace()
                guard at < bytes.count else { throw fail("the file ends inside an object; close it with '}'") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "}") { at += 1; break }
                throw fail("expected ',' or '}' after a value, found \(shown(bytes[at]))")
            }
            return .mapping(pairs, line: start)
        }

        mutating func array(depth: Int, start: Int) throws -> DocumentNode {
            at += 1
            var items: [DocumentNode] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
                at += 1
                return .sequence(items, line: start)
            }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard at < bytes.count else { throw fail("the file ends inside a list; close it with ']'") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "]") { at += 1; break }
                throw fail("expected ',' or ']' after a value, found \(shown(bytes[at]))")
            }
            return .sequence(items, line: start)
        }

        mutating func word(_ w: String) throws {
            let n = w.utf8.count
            let matches = at + n <= bytes.count && w.utf8.elementsEqual(bytes[at..<(at + n)])
            guard matches else { throw fail("unexpected \(shown(bytes[at])) where a value was expected") }
            at += n
        }

        /// The number's text as written (`3.10` stays "3.10"), checked against JSON's grammar.
        mutating func number(start: Int) throws -> DocumentNode {
            let from = at
            func digits() -> Int {
                let s = at
                while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
                return at - s
            }
            if bytes[at] == UInt8(ascii: "-") { at += 1 }
            let whole = digits()
            guard whole > 0 else { throw fail("a number needs digits") }
            guard whole == 1 || bytes[at - whole] != UInt8(ascii: "0") else { throw fail("a number may not start with 0") }
            var isFloat = false
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                isFloat = true
                guard digits() > 0 else { throw fail("a number needs digits after '.'") }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                isFloat = true
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() > 0 else { throw fail("a number needs digits in its exponent") }
            }
            let text = String(decoding: bytes[from..<at], as: UTF8.self)
            // A whole number too large for an Int reads as none, as Yams reads it.
            return scalar(text, .number, start, int: isFloat ? nil : Int(text), double: Double(text))
        }

        /// A quoted string, its escapes decoded. Raw control characters are refused, as JSON does.
        mutating func string() throws -> String {
            at += 1
            let from = at
            // The common case: no escape, read in place.
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
            guard at < bytes.count else { throw fail("the file ends inside a string; close it with '\"'") }
            if bytes[at] == UInt8(ascii: "\"") {
                let s = try utf8(bytes[from..<at])
                at += 1
                return s
            }
            var out = Array(bytes[from..<at])
            while at < bytes.count {
                let b = bytes[at]
                if b == UInt8(ascii: "\"") {
                    at += 1
                    return try utf8(out[...])
                }
                guard b >= 0x20 else { throw fail("a string holds the control character \(shown(b)); write it as an escape such as \\n") }
                guard b == UInt8(ascii: "\\") else {
                    out.append(b)
                    at += 1
                    continue
                }
                at += 1
                guard at < bytes.count else { break }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate: its low half must follow as another escape.
                        guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                            throw fail("a \\u escape holds half of a surrogate pair")
                        }
                        at += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a \\u escape holds half of a surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("a \\u escape holds half of a surrogate pair") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("unknown escape \\\(Character(Unicode.Scalar(e))); JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")
                }
            }
            throw fail("the file ends inside a string; close it with '\"'")
        }

        mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
            var v: UInt32 = 0
            for b in bytes[at..<(at + 4)] {
                let d: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
                default: throw fail("a \\u escape needs four hex digits")
                }
                v = v << 4 | UInt32(d)
            }
            at += 4
            return v
        }

        func utf8(_ slice: ArraySlice<UInt8>) throws -> String {
            guard let s = String(validating: slice, as: UTF8.self) else { throw fail("a string is not UTF-8 text") }
            return s
        }

        func shown(_ b: UInt8) -> String {
            (0x21..<0x7F).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x" + String(b, radix: 16, uppercase: true)
        }
    }
}

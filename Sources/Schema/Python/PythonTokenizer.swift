import Rules

/// Splits Python source into logical lines of tokens: enough of Python's lexical grammar to read
/// imports, class and def headers, decorators, annotations and literal expressions. Comments,
/// explicit (`\`) and implicit (bracketed) line continuations and every string form (prefixes,
/// escapes, triple quotes) are handled as Python does, so that a statement is read whole.
struct PythonTokenizer {
    let file: String
    private let chars: [Character]
    private var i = 0
    private var line = 1

    init(_ source: String, file: String) {
        self.file = file
        self.chars = Array(source)
    }

    static func lines(_ source: String, file: String) throws -> [LogicalLine] {
        var t = PythonTokenizer(source, file: file)
        return try t.logicalLines()
    }

    private mutating func logicalLines() throws -> [LogicalLine] {
        var result: [LogicalLine] = []
        var tokens: [PythonToken] = []
        var depth = 0
        var indent = 0
        var atLineStart = true
        while i < chars.count {
            if atLineStart {
                // Indentation counts columns; a tab advances to the next multiple of 8, as Python's.
                var column = 0
                while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "\u{0C}" {
                    column = chars[i] == "\t" ? (column / 8 + 1) * 8 : column + 1
                    i += 1
                }
                indent = column
                atLineStart = false
            }
            guard i < chars.count else { break }
            let c = chars[i]
            switch c {
            case "\n", "\r\n", "\r":
                i += 1
                line += 1
                if depth == 0 {
                    if !tokens.isEmpty {
                        result.append(LogicalLine(indent: indent, tokens: tokens))
                        tokens = []
                    }
                    atLineStart = true
                }
            case " ", "\t", "\u{0C}":
                i += 1
            case "#":
                while i < chars.count, !chars[i].isNewline { i += 1 }
            case "\\":
                // An explicit continuation: the next physical line continues this one.
                i += 1
                guard i < chars.count, chars[i].isNewline else {
                    throw InputError(Provenance(file: file, line: line), "a backslash outside a string must end the line")
                }
                i += 1
                line += 1
            default:
                if let prefixLength = stringPrefixLength() {
                    tokens.append(try string(prefixLength: prefixLength))
                } else if c.isLetter || c == "_" {
                    let start = i
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                    tokens.append(PythonToken(kind: .name(String(chars[start..<i])), line: line))
                } else if c.isASCII, c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                    tokens.append(number())
                } else {
                    let op = self.op()
                    if ["(", "[", "{"].contains(op) { depth += 1 }
                    if [")", "]", "}"].contains(op) { depth = max(0, depth - 1) }
                    tokens.append(PythonToken(kind: .op(op), line: line))
                }
            }
        }
        if !tokens.isEmpty { result.append(LogicalLine(indent: indent, tokens: tokens)) }
        return result
    }

    private static let operators = ["**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "==", "!=", "<=", ">=", ":=", "<<", ">>",
                                    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="]

    private mutating func op() -> String {
        for candidate in Self.operators {
            let n = candidate.count
            if i + n <= chars.count, String(chars[i..<(i + n)]) == candidate {
                i += n
                return candidate
            }
        }
        i += 1
        return String(chars[i - 1])
    }

    private mutating func number() -> PythonToken {
        let start = i
        while i < chars.count {
            let c = chars[i]
            if c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "." {
                i += 1
                // An exponent sign belongs to the number (1e-3), but not in hex (0x1e-3 is a subtraction).
                let isHex = chars[start..<i].starts(with: ["0", "x"]) || chars[start..<i].starts(with: ["0", "X"])
                if (c == "e" || c == "E"), !isHex, i < chars.count, chars[i] == "+" || chars[i] == "-" { i += 1 }
            } else {
                break
            }
        }
        return PythonToken(kind: .number(String(chars[start..<i])), line: line)
    }

    /// The length of a string prefix (`r`, `b`, `f`, `u`, `rb`, `fr`...) if a string starts here.
    private func stringPrefixLength() -> Int? {
        var n = 0
        while n < 2, i + n < chars.count, "rRbBuUfF".contains(chars[i + n]) { n += 1 }
        for length in stride(from: n, through: 0, by: -1) where i + length < chars.count {
            if chars[i + length] == "\"" || chars[i + length] == "'" {
                // A prefix must not continue a name (`xr"..."` is not a string start).
                return length
            }
        }
        return nil
    }

    private mutating func string(prefixLength: Int) throws -> PythonToken {
        let startLine = line
        let prefix = String(chars[i..<(i + prefixLength)]).lowercased()
        i += prefixLength
        let quote = chars[i]
        let triple = i + 2 < chars.count && chars[i + 1] == quote && chars[i + 2] == quote
        i += triple ? 3 : 1
        var body: [Character] = []
        while true {
            guard i < chars.count else {
                throw InputError(Provenance(file: file, line: startLine), "a string starting here is never closed")
            }
            let c = chars[i]
            if c == quote {
                if !triple { i += 1; break }
                if i + 2 < chars.count, chars[i + 1] == quote, chars[i + 2] == quote { i += 3; break }
            }
            if c.isNewline {
                guard triple else {
                    throw InputError(Provenance(file: file, line: startLine), "a string starting here is never closed on its line")
                }
                line += 1
            }
            if c == "\\", i + 1 < chars.count {
                // Kept as written here; the escape is decoded below, unless the string is raw.
                body.append(c)
                body.append(chars[i + 1])
                if chars[i + 1].isNewline { line += 1 }
                i += 2
                continue
            }
            body.append(c)
            i += 1
        }
        let raw = String(body)
        if prefix.contains("f") {
            return PythonToken(kind: .op("f-string"), line: startLine)
        }
        let value = prefix.contains("r") ? raw : PythonStringEscapes.decode(raw)
        return PythonToken(kind: .string(value), line: startLine)
    }
}

/// Python's backslash escapes in a non-raw string literal.
enum PythonStringEscapes {
    static func decode(_ raw: String) -> String {
        let chars = Array(raw)
        var out = ""
        var i = 0
        func hex(_ count: Int) -> Character? {
            guard i + 1 + count <= chars.count, let v = UInt32(String(chars[(i + 1)..<(i + 1 + count)]), radix: 16),
                  let s = Unicode.Scalar(v) else { return nil }
            return Character(s)
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "\\", i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            let e = chars[i + 1]
            i += 1
            switch e {
            case "\n", "\r\n", "\r": i += 1
            case "\\": out.append("\\"); i += 1
            case "'": out.append("'"); i += 1
            case "\"": out.append("\""); i += 1
            case "n": out.append("\n"); i += 1
            case "t": out.append("\t"); i += 1
            case "r": out.append("\r"); i += 1
            case "a": out.append("\u{07}"); i += 1
            case "b": out.append("\u{08}"); i += 1
            case "f": out.append("\u{0C}"); i += 1
            case "v": out.append("\u{0B}"); i += 1
            case "x", "u", "U":
                let count = e == "x" ? 2 : e == "u" ? 4 : 8
                if let ch = hex(count) {
                    out.append(ch)
                    i += 1 + count
                } else {
                    out.append("\\")
                }
            case "0"..."7":
                var digits = ""
                while digits.count < 3, i < chars.count, ("0"..."7").contains(chars[i]) {
                    digits.append(chars[i])
                    i += 1
                }
                if let v = UInt32(digits, radix: 8), let s = Unicode.Scalar(v) { out.append(Character(s)) }
            default:
                // An unknown escape keeps its backslash, as Python does.
                out.append("\\")
            }
        }
        return out
    }
}

@testable import Schema

/// Reads the JSON that tests write as expectations, keeping integers and floats apart
/// (`5` and `5.0` are different documents to Cog's clients reading `default`).
enum JSONText {
    struct Bad: Error { let at: Int }

    static func parse(_ text: String) throws -> JSONValue {
        var p = Parser(chars: Array(text.unicodeScalars))
        let v = try p.value()
        p.skip()
        guard p.i == p.chars.count else { throw Bad(at: p.i) }
        return v
    }

    private struct Parser {
        let chars: [Unicode.Scalar]
        var i = 0

        mutating func skip() { while i < chars.count, [" ", "\n", "\t", "\r"].contains(chars[i]) { i += 1 } }

        mutating func value() throws -> JSONValue {
            skip()
            guard i < chars.count else { throw Bad(at: i) }
            switch chars[i] {
            case "{":
                i += 1
                var members: [String: JSONValue] = [:]
                skip()
                if chars[i] == "}" { i += 1; return .object(members) }
                while true {
                    skip()
                    guard case .string(let key) = try value() else { throw Bad(at: i) }
                    skip()
                    guard chars[i] == ":" else { throw Bad(at: i) }
                    i += 1
                    members[key] = try value()
                    skip()
                    if chars[i] == "," { i += 1; continue }
                    guard chars[i] == "}" else { throw Bad(at: i) }
                    i += 1
                    return .object(members)
                }
            case "[":
                i += 1
                var items: [JSONValue] = []
                skip()
                if chars[i] == "]" { i += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skip()
                    if chars[i] == "," { i += 1; continue }
                    guard chars[i] == "]" else { throw Bad(at: i) }
                    i += 1
                    return .array(items)
                }
            case "\"":
                i += 1
                var s = ""
                while chars[i] != "\"" {
                    if chars[i] == "\\" {
                        i += 1
                        switch chars[i] {
                        case "n": s += "\n"
                        case "t": s += "\t"
                        case "r": s += "\r"
                        case "u":
                            let hex = String(String.UnicodeScalarView(chars[(i + 1)...(i + 4)]))
                            s.unicodeScalars.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!)
                            i += 4
                        default: s.unicodeScalars.append(chars[i])
                        }
                    } else {
                        s.unicodeScalars.append(chars[i])
                    }
                    i += 1
                }
                i += 1
                return .string(s)
            default:
                for (word, v) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)] {
                    let w = Array(word.unicodeScalars)
                    if i + w.count <= chars.count, Array(chars[i..<(i + w.count)]) == w { i += w.count; return v }
                }
                let start = i
                while i < chars.count, "+-0123456789.eE".unicodeScalars.contains(chars[i]) { i += 1 }
                let text = String(String.UnicodeScalarView(chars[start..<i]))
                if let n = Int64(text) { return .integer(n) }
                guard let d = Double(text) else { throw Bad(at: start) }
                return .number(d)
            }
        }
    }
}

extension JSONValue {
    /// The member at a path of keys.
    subscript(path: String...) -> JSONValue? {
        var v: JSONValue? = self
        for key in path {
            guard case .object(let m)? = v else { return nil }
            v = m[key]
        }
        return v
    }
}

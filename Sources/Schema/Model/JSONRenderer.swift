import Foundation

/// Writes a `JSONValue` with sorted keys, so the same predictor always gives the same bytes.
/// Numbers are written as Go's encoding/json writes a float64 (Cog's generator is Go): an
/// integral value without a fraction (`1.0` → `1`), decimals up to 1e21, exponents outside
/// [1e-6, 1e21).
public enum JSONRenderer {
    public static func render(_ value: JSONValue, pretty: Bool = true) -> String {
        var out = ""
        write(value, into: &out, indent: pretty ? "" : nil)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout String, indent: String?) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let d): out += number(d)
        case .string(let s): out += quoted(s)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                if let indent { out += "\n" + indent + "  " }
                write(item, into: &out, indent: indent.map { $0 + "  " })
            }
            if let indent { out += "\n" + indent }
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (n, key) in members.keys.sorted().enumerated() {
                if n > 0 { out += "," }
                if let indent { out += "\n" + indent + "  " }
                out += quoted(key) + (indent == nil ? ":" : ": ")
                write(members[key]!, into: &out, indent: indent.map { $0 + "  " })
            }
            if let indent { out += "\n" + indent }
            out += "}"
        }
    }

    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e21 {
            return String(format: "%.0f", d)
        }
        let magnitude = abs(d)
        if magnitude >= 1e-6, magnitude < 1e21 {
            return decimal(d)
        }
        // Go: shortest digits in exponent form, with a two-digit exponent trimmed to its digits (1e-07 → 1e-7).
        var s = "\(d)"
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var exponent = String(s[s.index(after: e)...])
            var sign = "+"
            if exponent.hasPrefix("-") || exponent.hasPrefix("+") { sign = String(exponent.removeFirst()) }
            while exponent.hasPrefix("0"), exponent.count > 1 { exponent.removeFirst() }
            s = String(s[..<e]) + "e" + sign + exponent
            if s.contains(".0e") { s = s.replacingOccurrences(of: ".0e", with: "e") }
        }
        return s
    }

    /// The shortest round-tripping digits of `d`, in plain decimal notation.
    private static func decimal(_ d: Double) -> String {
        let s = "\(d)"
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return s }
        let exponent = Int(s[s.index(after: e)...])!
        var mantissa = String(s[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        if parts.count > 1, parts[1] == "0" { digits.removeLast() }
        let point = parts[0].count + exponent
        let result: String
        if point <= 0 {
            result = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            result = digits + String(repeating: "0", count: point - digits.count)
        } else {
            result = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        return (negative ? "-" : "") + result
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

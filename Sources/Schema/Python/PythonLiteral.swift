/// Python's numeric literal forms: underscores, `0x`/`0o`/`0b` integers, floats with exponents.
enum PythonLiteral {
    static func number(_ text: String) -> PythonExpression? {
        let t = text.replacingOccurrences(of: "_", with: "").lowercased()
        if t.hasSuffix("j") { return nil }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where t.hasPrefix(prefix) {
            return Int64(t.dropFirst(2), radix: radix).map(PythonExpression.integer)
        }
        if t.allSatisfy(\.isNumber) {
            // Python 3 forbids leading zeros except in 0 itself; Cog's parser reads such a number as the integer it spells.
            return Int64(t).map(PythonExpression.integer)
        }
        var d = t.hasPrefix(".") ? "0" + t : t
        if d.hasSuffix(".") { d += "0" }
        d = d.replacingOccurrences(of: ".e", with: ".0e")
        return Double(d).map(PythonExpression.float)
    }
}

/// User values as one-line errors show them: quoted, control characters escaped (a line feed
/// in a value must not start a new line of output), long values cut.
enum Quote {
    static let maxShown = 80

    static func value(_ s: String) -> String { "'\(escaped(s, limit: maxShown))'" }

    /// Control characters as `\n`, `\r`, `\t` or `\u{1b}`; cut to `limit` characters when given.
    static func escaped(_ s: String, limit: Int? = nil) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(u): out += "\\u{\(String(u.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        if let limit, out.count > limit { out = String(out.prefix(limit - 1)) + "…" }
        return out
    }

    /// The first control character of `s`, in words, or nil.
    static func firstControl(_ s: String) -> String? {
        guard let u = s.unicodeScalars.first(where: isControl) else { return nil }
        switch u {
        case "\n": return "a line feed"
        case "\r": return "a carriage return"
        case "\t": return "a tab"
        default: return "a control character (U+\(String(u.value, radix: 16, uppercase: true)))"
        }
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (0x7F...0x9F).contains(u.value) }
}

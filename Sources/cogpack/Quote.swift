import Rules

/// User values as one-line errors show them: quoted, control characters escaped (a line feed
/// in a value must not start a new line of output), long values cut.
enum Quote {
    static let maxShown = 80

    static func value(_ s: String) -> String { "'\(escaped(s, limit: maxShown))'" }

    /// Control characters as `\n`, `\r`, `\t` or `\u{1B}`; cut to `limit` characters when given.
    static func escaped(_ s: String, limit: Int? = nil) -> String { LineText.escaped(s, limit: limit) }

    /// The first control character of `s`, in words, or nil.
    static func firstControl(_ s: String) -> String? {
        guard let u = LineText.firstControl(in: s) else { return nil }
        switch u {
        case "\n": return "a line feed"
        case "\r": return "a carriage return"
        case "\t": return "a tab"
        default: return "a control character (U+\(String(u.value, radix: 16, uppercase: true)))"
        }
    }
}

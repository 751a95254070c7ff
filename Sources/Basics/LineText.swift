import Foundation

/// Text that must stay on one line: a value of cog.yaml or a line of a requirements file ends up
/// as one line of a generated file (requirements.txt, constraints.txt), one argument, or one line
/// of an error message. A character that ends a line for any of their readers (Python's
/// `splitlines` honours `\r`, `\u{0B}`, `\u{1C}`, U+2028 …) would add lines of its own; other
/// control characters (NUL, ESC) would reach a terminal.
public enum LineText {
    /// The first character that has no place in one line of text: every C0 control (a tab only
    /// where `allowingTab`), DEL, the C1 controls, and the Unicode line and paragraph separators.
    public static func firstControl(in text: String, allowingTab: Bool = false) -> Unicode.Scalar? {
        text.unicodeScalars.first { c in
            if c == "\t" { return !allowingTab }
            return c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c == "\u{2028}" || c == "\u{2029}"
        }
    }

    /// How a message names such a character.
    public static func name(of c: Unicode.Scalar) -> String {
        let names: [UInt32: String] = [0x0A: "a new line", 0x0D: "a carriage return", 0x09: "a tab", 0x00: "a NUL byte",
                                       0x1B: "an escape character", 0x7F: "a DEL character"]
        let code = String(format: "U+%04X", c.value)
        return names[c.value].map { "\($0) (\(code))" } ?? "the control character \(code)"
    }

    /// `text` as one line of output: `\n`, `\r` and `\t` as such, every other control
    /// character as a `\u{…}` escape, so that a CR or ESC in a value cannot hide or redraw what
    /// is printed; cut to `limit` characters when given. The one escaper of every module.
    public static func escaped(_ text: String, limit: Int? = nil) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where firstControl(in: String(c)) != nil: out += "\\u{" + String(c.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(c)
            }
        }
        if let limit, out.count > limit { out = String(out.prefix(limit - 1)) + "…" }
        return out
    }

    /// `text` for a one-line message, quoted.
    public static func quoted(_ text: String) -> String { quoted(text, limit: nil) }

    public static func quoted(_ text: String, limit: Int?) -> String { "'" + escaped(text, limit: limit) + "'" }
}

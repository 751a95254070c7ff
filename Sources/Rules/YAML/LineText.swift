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

    /// `text` for a one-line message: control characters shown as `\u{…}` escapes.
    public static func quoted(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            if firstControl(in: String(c), allowingTab: false) != nil {
                out += "\\u{" + String(c.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return "'" + out + "'"
    }
}

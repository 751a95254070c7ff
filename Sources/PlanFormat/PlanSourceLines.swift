import Basics
import Foundation

/// Where a value sits in a plan file, so that an error about it names the file and its line.
/// The plan is JSON that cogpack wrote or a person edited: a value is found by its key and its
/// JSON spelling, the first place they appear together.
struct PlanSourceLines {
    let display: String
    private let text: String?

    init(display: String, data: Data?) {
        self.display = display
        text = data.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file alone, when no line can be told.
    var file: Provenance { Provenance(file: display, line: nil) }

    /// The line of `"key": value`; `value` is a string or a number.
    func at(_ key: String, _ value: Any) -> Provenance {
        Provenance(file: display, line: line(key: key, value: value))
    }

    /// The line of a stage's `"id"`, for errors about the stage as a whole.
    func stage(_ id: String) -> Provenance { at("id", id) }

    private func line(key: String, value: Any) -> Int? {
        guard let text else { return nil }
        var spellings: [String] = []
        for options: JSONSerialization.WritingOptions in [[.fragmentsAllowed, .withoutEscapingSlashes], [.fragmentsAllowed]] {
            if let data = try? JSONSerialization.data(withJSONObject: value, options: options) {
                spellings.append(String(decoding: data, as: UTF8.self))
            }
        }
        for literal in Set(spellings) {
            // The literal ends where the JSON value does, so that 420 is not found inside 4200.
            let pattern = "\"\(NSRegularExpression.escapedPattern(for: key))\"\\s*:\\s*\(NSRegularExpression.escapedPattern(for: literal))(?=\\s*[,}\\]])"
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                  let range = Range(match.range, in: text) else { continue }
            return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        }
        return nil
    }

    /// The line of a character offset (JSON parsers report those).
    func line(ofOffset offset: Int) -> Int? {
        guard let text else { return nil }
        let bytes = text.utf8.prefix(offset)
        return bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }
}

import Foundation
import Yams

/// A value of a YAML (or JSON) document that remembers its file, so that every value read from
/// it can say where it was. The readers throw `InputError`s that name the file and line and what
/// was expected.
public struct YAMLValue: Sendable {
    public let node: DocumentNode
    public let file: String

    public init(node: DocumentNode, file: String) {
        self.node = node
        self.file = file
    }

    public var provenance: Provenance { Provenance(file: file, line: node.line) }

    public enum Kind: String, Sendable { case string, number, bool, null, mapping, sequence }

    public var kind: Kind {
        switch node {
        case .mapping: return .mapping
        case .sequence: return .sequence
        case .scalar(let s): return s.kind
        }
    }

    /// The scalar's text as written: `3.10` stays "3.10" even unquoted.
    public var scalarText: String? {
        if case .scalar(let s) = node { return s.text }
        return nil
    }

    public func fail(_ message: String) -> InputError { InputError(provenance, message) }

    public func string(_ what: String) throws -> String {
        guard kind == .string, let text = scalarText else {
            throw fail("\(what) must be a string, found \(kind.rawValue)")
        }
        return text
    }

    /// A string that must stay one line (see `LineText`): a value that ends up in a generated file,
    /// an argument or a message. Run commands may hold tabs.
    public func line(_ what: String, allowingTab: Bool = false) throws -> String {
        try Self.checkLine(try string(what), what, allowingTab: allowingTab, at: self)
    }

    public static func checkLine(_ text: String, _ what: String, allowingTab: Bool, at value: YAMLValue) throws -> String {
        if let c = LineText.firstControl(in: text, allowingTab: allowingTab) {
            throw value.fail("\(what) contains \(LineText.name(of: c)): \(LineText.quoted(text)); write it as one line of printable text (one value per entry)")
        }
        return text
    }

    /// A string or a number written as text, for fields such as `python_version: 3.11`.
    public func versionText(_ what: String) throws -> String {
        guard kind == .string || kind == .number, let text = scalarText else {
            throw fail("\(what) must be a version string such as \"3.11\", found \(kind.rawValue)")
        }
        return try Self.checkLine(text, what, allowingTab: false, at: self)
    }

    public func bool(_ what: String) throws -> Bool {
        guard case .scalar(let s) = node, s.kind == .bool, let b = s.bool else {
            throw fail("\(what) must be true or false, found \(kind.rawValue) \(scalarText.map { "'\($0)'" } ?? "")")
        }
        return b
    }

    public func int(_ what: String) throws -> Int {
        guard case .scalar(let s) = node, s.kind == .number, let i = s.int else {
            throw fail("\(what) must be a whole number, found \(kind.rawValue)")
        }
        return i
    }

    public func double(_ what: String) throws -> Double {
        guard case .scalar(let s) = node, s.kind == .number, let d = s.double else {
            throw fail("\(what) must be a number, found \(kind.rawValue)")
        }
        return d
    }

    public func sequence(_ what: String) throws -> [YAMLValue] {
        guard case .sequence(let seq, _) = node else {
            throw fail("\(what) must be a list, found \(kind.rawValue)")
        }
        return seq.map { YAMLValue(node: $0, file: file) }
    }

    public func strings(_ what: String) throws -> [String] {
        try sequence(what).map { try $0.string("each entry of \(what)") }
    }

    public struct Entry {
        public let key: String
        public let keyProvenance: Provenance
        public let value: YAMLValue
    }

    public func entries(_ what: String) throws -> [Entry] {
        guard case .mapping(let map, _) = node else {
            throw fail("\(what) must be a mapping of keys to values, found \(kind.rawValue)")
        }
        return try map.map { pair in
            let key = YAMLValue(node: pair.key, file: file)
            guard let text = key.scalarText, key.kind != .mapping, key.kind != .sequence else {
                throw key.fail("keys of \(what) must be plain names")
            }
            return Entry(key: text, keyProvenance: key.provenance, value: YAMLValue(node: pair.value, file: file))
        }
    }

    /// A mapping whose keys must come from `allowed`: an unknown key is an error that lists them.
    public func mapping(_ what: String, allowed: [String]) throws -> [String: YAMLValue] {
        var out: [String: YAMLValue] = [:]
        for entry in try entries(what) {
            guard allowed.contains(entry.key) else {
                let suggestion = Self.closest(entry.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                throw InputError(entry.keyProvenance,
                                 "unknown key '\(entry.key)' in \(what)\(suggestion); allowed keys: \(allowed.joined(separator: ", "))")
            }
            guard out[entry.key] == nil else {
                throw InputError(entry.keyProvenance, "key '\(entry.key)' appears twice in \(what); keep one")
            }
            out[entry.key] = entry.value
        }
        return out
    }

    /// The allowed name nearest to a misspelled one, when it is close enough to be a likely typo.
    static func closest(_ word: String, in names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (name, d) = scored, d <= max(1, word.count / 3) else { return nil }
        return name
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        for i in 1...x.count {
            var cur = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[y.count]
    }
}

public enum YAMLFile {
    /// Reads and composes a YAML file, or a JSON one (its name ends in `.json`: read by
    /// `JSONDocument`, several times faster). `display` is the name errors use, relative to the
    /// project or the repository, never an absolute path of this machine.
    public static func load(path: URL, display: String) throws -> YAMLValue {
        guard let data = FileManager.default.contents(atPath: path.path) else {
            throw InputError(Provenance(file: display, line: nil), "file not found or not readable")
        }
        if display.hasSuffix(".json") { return try JSONDocument.parse([UInt8](data), display: display) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(Provenance(file: display, line: nil), "file is not UTF-8 text")
        }
        return try parse(text, display: display)
    }

    public static func parse(_ text: String, display: String) throws -> YAMLValue {
        if display.hasSuffix(".json") { return try JSONDocument.parse(Array(text.utf8), display: display) }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputError(Provenance(file: display, line: 1), "file is empty; expected a YAML mapping")
            }
            return YAMLValue(node: DocumentNode(node), file: display)
        } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            // Yams' own text of this error holds the whole document; one line says it.
            let names = keys.map(LineText.quoted).joined(separator: ", ")
            let first = context.mark.line
            let again = keys.first.flatMap { repeatedKeyLine(text, key: $0, after: context.mark) }
            throw InputError(Provenance(file: display, line: again ?? first),
                             "key \(names) appears twice in the same mapping\(again == nil ? "" : " (first at line \(first))"); keep one (YAML keys are unique)")
        } catch let error as YamlError {
            throw InputError(Provenance(file: display, line: line(of: error)),
                             "not valid YAML: \(problem(of: error))")
        }
    }

    /// The line where `key` is written again at the column of its first occurrence (Yams marks
    /// only the first); nil when the repetition is not written plainly (quoted, flow style).
    static func repeatedKeyLine(_ text: String, key: String, after mark: Mark) -> Int? {
        let lines = yamlLines(text)
        // The mark counts lines and columns as libyaml does (columns in scalars); so do we. A mark
        // past the last line would be a disagreement about what a line is: no line then.
        let column = mark.column - 1
        guard mark.line >= 1, mark.line <= lines.count, column >= 0 else { return nil }
        let prefix = Array((key + ":").unicodeScalars)
        for n in mark.line..<lines.count {
            let line = lines[n]
            guard line.count >= column + prefix.count, line[..<column].allSatisfy({ $0 == " " }) else { continue }
            if line[column..<(column + prefix.count)].elementsEqual(prefix) { return n + 1 }
        }
        return nil
    }

    /// The lines of `text` where libyaml breaks them: at `\r\n`, `\n`, a lone `\r`, NEL, U+2028
    /// and U+2029. Splitting at `\n` alone put a file with old Mac line ends on one line, while
    /// the marks Yams reports counted many.
    static func yamlLines(_ text: String) -> [[Unicode.Scalar]] {
        var lines: [[Unicode.Scalar]] = [[]]
        var afterCR = false
        for c in text.unicodeScalars {
            defer { afterCR = c == "\r" }
            switch c {
            case "\n" where afterCR: continue  // the second half of \r\n
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": lines.append([])
            default: lines[lines.count - 1].append(c)
            }
        }
        return lines
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            if let context { return "\(problem) (\(context.text))".split(whereSeparator: \.isNewline).joined(separator: " ") }
            return problem.split(whereSeparator: \.isNewline).joined(separator: " ")
        case .reader(let problem, _, _, _):
            return problem
        default:
            // Never more than one line, whatever the library's text.
            return "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "unreadable"
        }
    }
}

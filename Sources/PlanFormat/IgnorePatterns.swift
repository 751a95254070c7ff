import Foundation

/// `.dockerignore` patterns with Docker's meaning: paths relative to the context, `*` and `?`
/// within one path segment, `**` across segments, `!` for exceptions, the last matching pattern
/// wins, and a pattern that matches a folder covers everything inside it.
public struct IgnorePatterns: Sendable {
    public struct Pattern: Sendable {
        public let text: String
        public let exception: Bool
        /// Compiled once: a walk asks every pattern about every path. nil for a malformed pattern
        /// (`[z-a]`, an unclosed `[`): it matches nothing.
        let matcher: PathPattern?
    }

    public let patterns: [Pattern]

    public init(_ lines: [String]) {
        patterns = lines.compactMap(Self.pattern)
    }

    /// Reads the lines of a `.dockerignore` file (comments and blank lines dropped). Lines end at
    /// `\n` only (a `\r` before it is dropped), as Docker reads the file.
    public init(fileText: String) {
        self.init(Self.lines(of: fileText))
    }

    public static func lines(of fileText: String) -> [String] {
        // By scalars: "\r\n" is one Character, and a Character split would miss it.
        var text = Substring.UnicodeScalarView(fileText.unicodeScalars)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.last == "\r" ? line.dropLast() : line)
        }
    }

    /// The patterns that can never match because they are malformed; Docker refuses them.
    public var malformed: [String] { patterns.filter { $0.matcher == nil }.map(\.text) }

    static func pattern(_ raw: String) -> Pattern? {
        // Go's TrimSpace: newlines at either end count as space too.
        var line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty || line.hasPrefix("#") { return nil }
        var exception = false
        if line.hasPrefix("!") {
            exception = true
            line = String(line.dropFirst()).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        line = clean(line)
        guard !line.isEmpty else { return nil }
        return Pattern(text: line, exception: exception, matcher: PathPattern(line))
    }

    /// A pattern that matches exactly the file `path` and nothing else: every character that
    /// patterns give a meaning to is escaped, so that a weights file named `w[ab].bin` never
    /// stands for `wa.bin`. A leading `!` or `#` is escaped (an exception, a comment), and
    /// white space at either end is put in a class (`[ ]`), since patterns are trimmed. Each
    /// folder name is escaped the same way, so that it also stands alone (FileSync matches an
    /// include pattern folder by folder).
    public static func literal(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { name in
            let scalars = Array(name.unicodeScalars)
            var out = String.UnicodeScalarView()
            for (i, c) in scalars.enumerated() {
                if i == 0 || i == scalars.count - 1, CharacterSet.whitespacesAndNewlines.contains(c) {
                    out.append(contentsOf: ["[", c, "]"])
                    continue
                }
                if "*?[]\\".unicodeScalars.contains(c) || (i == 0 && (c == "!" || c == "#")) { out.append("\\") }
                out.append(c)
            }
            return String(out)
        }.joined(separator: "/")
    }

    /// Like Go's filepath.Clean on a relative path: no leading `/`, no `.`, `..` folded.
    public static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", !parts.isEmpty { parts.removeLast(); continue }
            if p == ".." { continue }
            parts.append(p)
        }
        return parts.joined(separator: "/")
    }

    /// True when `path` (relative, `/`-separated) is left out of the context.
    public func excludes(_ path: String) -> Bool {
        let path = Self.clean(path)
        var excluded = false
        for p in patterns {
            // The path itself or any folder above it.
            guard let m = p.matcher?.match(path), m.whole || m.parent else { continue }
            excluded = !p.exception
        }
        return excluded
    }

    /// True when some exception could bring back a path under `folder`, so a walk must look inside.
    public func mayReinclude(under folder: String) -> Bool {
        let folder = Self.clean(folder)
        return patterns.contains { $0.exception && ($0.text.hasPrefix(folder + "/") || $0.text.hasPrefix("*")) }
    }
}

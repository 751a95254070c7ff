import Foundation

/// `.dockerignore` patterns with Docker's meaning: paths relative to the context, `*` and `?`
/// within one path segment, `**` across segments, `!` for exceptions, the last matching pattern
/// wins, and a pattern that matches a folder covers everything inside it.
public struct IgnorePatterns: Sendable {
    public struct Pattern: Sendable {
        public let text: String
        public let exception: Bool
        /// Compiled once: a walk asks every pattern about every path. nil for a pattern whose
        /// character class is not valid (`[z-a]`): it matches nothing.
        let regex: NSRegularExpression?
    }

    public let patterns: [Pattern]

    public init(_ lines: [String]) {
        patterns = lines.compactMap(Self.pattern)
    }

    /// Reads the lines of a `.dockerignore` file (comments and blank lines dropped).
    public init(fileText: String) {
        self.init(fileText.components(separatedBy: .newlines))
    }

    static func pattern(_ raw: String) -> Pattern? {
        var line = raw.trimmingCharacters(in: .whitespaces)
        if line.isEmpty || line.hasPrefix("#") { return nil }
        var exception = false
        if line.hasPrefix("!") {
            exception = true
            line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
        }
        line = clean(line)
        guard !line.isEmpty else { return nil }
        return Pattern(text: line, exception: exception, regex: try? NSRegularExpression(pattern: regex(for: line)))
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

    static func regex(for pattern: String) -> String {
        var out = "^"
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                if i + 1 < chars.count, chars[i + 1] == "*" {
                    i += 1
                    if i + 1 < chars.count, chars[i + 1] == "/" {
                        i += 1
                        out += "(.*/)?"  // `**/` is zero or more folders
                    } else {
                        out += ".*"
                    }
                } else {
                    out += "[^/]*"
                }
            case "?": out += "[^/]"
            case "[":
                if let close = chars[(i + 1)...].firstIndex(of: "]") {
                    var cls = String(chars[(i + 1)..<close])
                    if cls.hasPrefix("!") { cls = "^" + cls.dropFirst() }
                    out += "[" + cls.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                    i = close
                } else {
                    out += "\\["
                }
            case "\\":
                if i + 1 < chars.count { i += 1; out += NSRegularExpression.escapedPattern(for: String(chars[i])) }
            default:
                out += NSRegularExpression.escapedPattern(for: String(c))
            }
            i += 1
        }
        return out + "$"
    }

    private static func matches(_ regex: NSRegularExpression?, _ path: String) -> Bool {
        regex?.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }

    /// True when `path` (relative, `/`-separated) is left out of the context.
    public func excludes(_ path: String) -> Bool {
        let path = Self.clean(path)
        // The path itself or any folder above it.
        var candidates = [path]
        var parts = path.split(separator: "/")
        while parts.count > 1 {
            parts.removeLast()
            candidates.append(parts.joined(separator: "/"))
        }
        var excluded = false
        for p in patterns where candidates.contains(where: { Self.matches(p.regex, $0) }) {
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

import Rules

/// The programs a `run:` line calls, read the way `sh` splits a line into commands: the first
/// word of each simple command (after `&&`, `||`, `;`, `|`, `&`, `(`, `{`, `$(`, backquotes,
/// `if`/`then`/`do`…), past variable assignments (`A=b curl …`) and the wrappers that run the
/// next word (`sudo`, `env`, `exec`, `time`, `nohup`, `xargs`), without its folder
/// (`/usr/bin/curl` is `curl`). Quotes are honoured, so `echo "a; curl"` calls only `echo`.
///
/// Not a shell: no expansion, aliases or functions. What it finds is only ever used to add the
/// Debian package that brings a program, so a word it misreads costs a package at worst.
enum ShellPrograms {
    /// Words after which the next word starts a command again.
    static let keywords: Set<String> = ["if", "then", "else", "elif", "do", "while", "until", "!", "{", "("]
    /// Programs that run the word after their options.
    static let wrappers: Set<String> = ["sudo", "env", "exec", "time", "nohup", "xargs", "command", "nice"]

    static func programs(in line: String) -> [String] {
        var found: [String] = []
        var atStart = true
        var wrapped = false
        for token in tokens(line) {
            switch token {
            case .separator:
                atStart = true
                wrapped = false
            case .word(let w):
                guard atStart else { continue }
                if keywords.contains(w) { continue }
                if isAssignment(w) { continue }
                // A wrapper's own options (`sudo -E`, `env -i`, `xargs -n1`) come before the program.
                if wrapped, w.hasPrefix("-") { continue }
                let name = w.split(separator: "/").last.map(String.init) ?? w
                if wrappers.contains(name) {
                    wrapped = true
                    continue
                }
                if !name.isEmpty, !found.contains(name) { found.append(name) }
                atStart = false
                wrapped = false
            }
        }
        return found
    }

    enum Token: Equatable {
        case word(String)
        case separator
    }

    /// Words and command separators; quoted text is part of its word.
    static func tokens(_ line: String) -> [Token] {
        var out: [Token] = []
        var word = ""
        var quote: Character?
        let chars = Array(line)
        var i = 0
        func flush() {
            if !word.isEmpty { out.append(.word(word)) }
            word = ""
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil } else if c == "\\", q == "\"", i + 1 < chars.count { i += 1; word.append(chars[i]) } else { word.append(c) }
                i += 1
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
            case "\\":
                if i + 1 < chars.count { i += 1; word.append(chars[i]) }
            case " ", "\t":
                flush()
            case ";", "&", "|", "(", ")", "{", "}", "`", "\n":
                flush()
                out.append(.separator)
            case "$" where i + 1 < chars.count && chars[i + 1] == "(":
                flush()
                out.append(.separator)
                i += 1
            case "#" where word.isEmpty:
                // A comment runs to the end of the line.
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            default:
                word.append(c)
            }
            i += 1
        }
        flush()
        return out
    }

    /// `NAME=value`, as the shell reads an assignment before a command.
    static func isAssignment(_ w: String) -> Bool {
        guard let eq = w.firstIndex(of: "="), eq != w.startIndex else { return false }
        return ShellWords.isVariableName(w[..<eq])
    }

    /// The environment variables a line sets: assignments before a command (`A=b pip …`, or
    /// alone), and those `export` (or `env`) sets.
    static func assignments(in line: String) -> [String] {
        var found: [String] = []
        var atStart = true
        var exporting = false
        for token in tokens(line) {
            switch token {
            case .separator:
                atStart = true
                exporting = false
            case .word(let w):
                if (atStart || exporting), isAssignment(w) {
                    let name = String(w[..<w.firstIndex(of: "=")!])
                    if !found.contains(name) { found.append(name) }
                    continue
                }
                if atStart, w == "export" || w == "env" {
                    exporting = true
                    continue
                }
                atStart = false
            }
        }
        return found
    }

    /// Every argument word of the line's commands (program names and assignments aside).
    static func arguments(in line: String) -> [String] {
        let programs = Set(programs(in: line))
        var found: [String] = []
        for case .word(let w) in tokens(line) where !programs.contains(w) && !isAssignment(w) && !found.contains(w) {
            found.append(w)
        }
        return found
    }
}

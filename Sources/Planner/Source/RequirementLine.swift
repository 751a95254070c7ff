import Rules

/// One logical line of a requirements file cut as pip cuts it: the requirement (or the option
/// the line starts with) and the options that follow it. pip splits at white space and takes the
/// first token that starts with `-` as the start of the options, so a URL or a marker is never cut.
struct RequirementLine {
    struct Option: Equatable {
        /// `--extra-index-url`, `-f`, … as written before `=` or the space.
        let name: String
        /// Empty for a flag.
        let value: String
    }

    /// The requirement as written; empty for an option line.
    let requirement: String
    let options: [Option]

    /// Options that take a value (pip's requirements-file options); `-c`, `-r`, `-e` included.
    static let withValue: Set<String> = [
        "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "--no-binary", "--only-binary",
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "--hash", "--config-settings", "--global-option",
    ]

    /// `content` has no comment and is trimmed. Throws when an option that takes a value has none.
    init(_ content: String, source: Provenance) throws {
        let tokens = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let start = tokens.firstIndex { $0.hasPrefix("-") } ?? tokens.count
        // A requirement keeps its own spacing (`Pillow >= 9, < 11`); only the options are re-tokenized.
        if start == 0 {
            requirement = ""
        } else if start == tokens.count {
            requirement = content
        } else {
            var rest = Substring(content)
            for t in tokens[..<start] { rest = rest[rest.range(of: t)!.upperBound...] }
            requirement = String(content[..<rest.startIndex]).trimmingCharacters(in: .whitespaces)
        }
        var options: [Option] = []
        var i = start
        while i < tokens.count {
            let t = tokens[i]
            i += 1
            guard t.hasPrefix("-") else {
                throw InputError(source, "\(LineText.quoted(t)) follows the options of this line; write one requirement per line, its options after it")
            }
            if t.hasPrefix("--"), let eq = t.firstIndex(of: "=") {
                options.append(Option(name: String(t[..<eq]), value: String(t[t.index(after: eq)...])))
            } else if Self.withValue.contains(t) {
                guard i < tokens.count else { throw InputError(source, "\(t) needs a value") }
                // The value of -e or -r may hold spaces only when it is the rest of an option line.
                options.append(Option(name: t, value: tokens[i]))
                i += 1
            } else if !t.hasPrefix("--"), t.count > 2, Self.withValue.contains(String(t.prefix(2))) {
                options.append(Option(name: String(t.prefix(2)), value: String(t.dropFirst(2))))
            } else {
                options.append(Option(name: t, value: ""))
            }
        }
        self.options = options
    }
}

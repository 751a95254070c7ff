import Rules

/// What `uv pip compile` writes, read back: the requirements format (with `--annotation-style
/// line --emit-index-annotation`) for the versions, the packages that asked for each and the
/// index each came from; and the `pylock.toml` format for the hashes, which keeps only the files
/// of the target platform and Python (the requirements format lists every file of a release).
public enum UvCompileOutput {
    public struct Package: Sendable, Equatable {
        public let name: String
        public let version: PEP440Version
        /// The packages whose requirements brought it in (`-r` and `-c` files left out).
        public let via: [String]
        public let index: String?
    }

    /// The requirements format; `display` names the output in errors.
    public static func packages(_ text: String, display: String = "uv pip compile") throws -> [Package] {
        var out: [Package] = []
        var pin: (name: String, version: PEP440Version)?
        var via: [String] = []
        var index: String?
        var inVia = false
        func flush() {
            if let p = pin { out.append(Package(name: p.name, version: p.version, via: via, index: index)) }
            pin = nil
            via = []
            index = nil
            inVia = false
        }
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("--hash") { continue }
            if line.hasPrefix("#") {
                let comment = line.dropFirst().trimmingCharacters(in: .whitespaces)
                if comment.hasPrefix("via ") {
                    via += names(comment.dropFirst(4))
                    inVia = true
                } else if comment.hasPrefix("from ") {
                    index = String(comment.dropFirst(5))
                    inVia = false
                } else if inVia {
                    via += names(Substring(comment))  // the split style's continuation lines
                }
                continue
            }
            if raw.first == " " || line.hasPrefix("-") { continue }  // options, continuations
            flush()
            let requirement = line.split(separator: " ").first.map(String.init) ?? line
            guard let eq = requirement.range(of: "=="), let version = PEP440Version(String(requirement[eq.upperBound...])) else {
                throw InputError(Provenance(file: display, line: n + 1), "expected NAME==VERSION from uv, found \(LineText.quoted(line))")
            }
            pin = (PackageName.normalize(String(requirement[..<eq.lowerBound])), version)
            // The line style puts `# via …` on the requirement's own line.
            if let hash = line.range(of: "# via ") { via += names(line[hash.upperBound...]) ; inVia = true }
        }
        flush()
        return out
    }

    private static func names(_ list: Substring) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-") }
            .map { PackageName.normalize(String($0.split(separator: "[").first ?? Substring($0))) }
    }

    /// The `pylock.toml` format: for each package, the sha256 of its wheels for the target, or of
    /// its sdist when it has no such wheel. Read line by line: uv writes one file a line.
    public static func hashes(pylock text: String) -> [String: [PackageHash]] {
        var out: [String: [PackageHash]] = [:]
        var name: String?
        var wheels: [PackageHash] = []
        var sdist: [PackageHash] = []
        func flush() {
            if let name { out[name] = wheels.isEmpty ? sdist : wheels }
            name = nil
            wheels = []
            sdist = []
        }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "[[packages]]" { flush(); continue }
            if line.hasPrefix("name = \"") { name = PackageName.normalize(quoted(after: "name = ", in: line) ?? ""); continue }
            guard let digest = quoted(after: "sha256 = ", in: line), let hash = PackageHash("sha256:" + digest) else { continue }
            if line.hasPrefix("sdist = ") { sdist.append(hash) } else { wheels.append(hash) }
        }
        flush()
        return out
    }

    private static func quoted(after key: String, in line: String) -> String? {
        guard let start = line.range(of: key + "\"") else { return nil }
        let rest = line[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

import Rules

/// What `uv pip compile` writes, read back: the requirements format (with `--annotation-style
/// line --emit-index-annotation`) for the versions, the packages that asked for each and the
/// index each came from; and the `pylock.toml` format for the hashes, which keeps only the files
/// of the target platform and Python (the requirements format lists every file of a release).
public enum UvCompileOutput {
    public struct Package: Sendable, Equatable {
        /// nil for a folder uv names by its path only (`./local_pkg`): the pylock output names it.
        public let name: String?
        /// nil for a direct reference (a URL, a VCS checkout, a folder).
        public let version: PEP440Version?
        /// The packages whose requirements brought it in (`-r` and `-c` files left out).
        public let via: [String]
        public let index: String?
        /// A direct reference as uv wrote it (`name @ URL`, `name @ git+URL@commit`, a path),
        /// without `-e`; nil for an index package.
        public var reference: String? = nil
        public var editable = false

        public init(name: String?, version: PEP440Version?, via: [String], index: String?, reference: String? = nil, editable: Bool = false) {
            self.name = name
            self.version = version
            self.via = via
            self.index = index
            self.reference = reference
            self.editable = editable
        }

        /// The line that pins it for uv's second pass: `name==version`, or the reference.
        public var pin: String {
            if let reference { return (editable ? "-e " : "") + reference }
            return "\(name ?? "")==\(version?.description ?? "")"
        }
    }

    /// One package of the `pylock.toml` output: the hashes of its files for the target (of its
    /// wheels, or of its sdist when it has no such wheel; of the archive a URL names), and where
    /// a direct reference resolved to.
    public struct Locked: Sendable, Equatable {
        public var name: String
        public var version: PEP440Version?
        public var hashes: [PackageHash] = []
        public var archive: String?
        /// `archive = { path }`: a package file, relative to the pylock file's folder.
        public var archivePath: String?
        /// `vcs = { url, commit-id }`.
        public var vcsURL: String?
        public var commit: String?
        /// `directory = { path }`, relative to the pylock file's folder; and whether editable.
        public var directory: String?
        public var editable = false
        /// `file://` URLs of wheels and sdists uv found in a `--find-links` folder: uv 0.9 writes
        /// them with `hashes = {}`, so the lock hashes the files itself.
        public var localWheels: [String] = []
        public var localSdists: [String] = []

        public init(name: String, version: PEP440Version? = nil) {
            self.name = name
            self.version = version
        }
    }

    /// The requirements format; `display` names the output in errors.
    public static func packages(_ text: String, display: String = "uv pip compile") throws -> [Package] {
        var out: [Package] = []
        var pin: (name: String?, version: PEP440Version?, reference: String?, editable: Bool)?
        var via: [String] = []
        var index: String?
        var inVia = false
        func flush() {
            if let p = pin { out.append(Package(name: p.name, version: p.version, via: via, index: index, reference: p.reference, editable: p.editable)) }
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
            if raw.first == " " { continue }  // continuations
            var body = line.range(of: "  # ").map { line[..<$0.lowerBound] } ?? Substring(line)
            body = body.hasSuffix("\\") ? body.dropLast() : body
            var words = body.split(separator: " ").map(String.init).filter { !$0.hasPrefix("--hash") }
            let editable = words.first == "-e"
            if editable { words.removeFirst() }
            if !editable, line.hasPrefix("-") { continue }  // options
            flush()
            if words.count >= 3, words[1] == "@" {
                // A direct reference: `name @ URL`.
                pin = (PackageName.normalize(words[0]), nil, words[0] + " @ " + words[2], editable)
            } else if let requirement = words.first, let eq = requirement.range(of: "=="), !editable,
                      let version = PEP440Version(String(requirement[eq.upperBound...])) {
                pin = (PackageName.normalize(String(requirement[..<eq.lowerBound])), version, nil, false)
            } else if words.count == 1, let path = words.first, path.hasPrefix("/") || path.hasPrefix(".") || path.hasPrefix("file:") {
                // A folder, by its path alone.
                pin = (nil, nil, path, editable)
            } else {
                throw InputError(Provenance(file: display, line: n + 1), "expected NAME==VERSION, NAME @ URL or a path from uv, found \(LineText.quoted(line))")
            }
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
    /// its sdist when it has no such wheel.
    public static func hashes(pylock text: String) -> [String: [PackageHash]] {
        var out: [String: [PackageHash]] = [:]
        for p in locked(pylock: text) { out[p.name] = p.hashes }
        return out
    }

    /// The `pylock.toml` format, package by package. Read line by line: uv writes one file, one
    /// archive, one VCS or one folder a line.
    public static func locked(pylock text: String) -> [Locked] {
        var out: [Locked] = []
        var current: Locked?
        var wheels: [PackageHash] = []
        var sdist: [PackageHash] = []
        func flush() {
            if var p = current {
                p.hashes += wheels.isEmpty ? sdist : wheels
                out.append(p)
            }
            current = nil
            wheels = []
            sdist = []
        }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "[[packages]]" { flush(); continue }
            if line.hasPrefix("name = \"") {
                current = Locked(name: PackageName.normalize(quoted(after: "name = ", in: line) ?? ""))
                continue
            }
            guard current != nil else { continue }
            if line.hasPrefix("version = \"") {
                current?.version = quoted(after: "version = ", in: line).flatMap { PEP440Version($0) }
                continue
            }
            if line.hasPrefix("vcs = ") {
                current?.vcsURL = quoted(after: "url = ", in: line)
                current?.commit = quoted(after: "commit-id = ", in: line)
                continue
            }
            if line.hasPrefix("directory = ") {
                current?.directory = quoted(after: "path = ", in: line)
                current?.editable = line.contains("editable = true")
                continue
            }
            let hash = quoted(after: "sha256 = ", in: line).flatMap { PackageHash("sha256:" + $0) }
            if line.hasPrefix("archive = ") {
                current?.archive = quoted(after: "url = ", in: line)
                current?.archivePath = quoted(after: "path = ", in: line)
                if let hash { current?.hashes.append(hash) }
                continue
            }
            if let url = quoted(after: "url = ", in: line), url.hasPrefix("file://") {
                if line.hasPrefix("sdist = ") { current?.localSdists.append(url) } else { current?.localWheels.append(url) }
                continue
            }
            guard let hash else { continue }
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

import Rules

/// One package of a lock: what pins it (an index version with the hashes of the files the image's
/// platform and Python can install; an archive URL with its file's hash; a VCS commit; the digest
/// of a source folder of the model), and the build stage that installs it. Written on one line,
/// so that a version change is a one-line diff:
/// `requests==2.32.3 --hash=sha256:… # stage=app index=https://pypi.org/simple`,
/// `iniconfig @ https://host/iniconfig-2.0.0-py3-none-any.whl --hash=sha256:… # stage=app version=2.0.0`,
/// `mypkg @ git+file:mypkg@<commit> # stage=app version=0.2.0`,
/// `localpkg @ file:local_pkg # stage=app digest=sha256:…`,
/// `tool @ file:dist/tool-1.0-py3-none-any.whl --hash=sha256:… # stage=app version=1.0`,
/// `flpkg @ file:wheels/flpkg-1.2.0-py3-none-any.whl --hash=sha256:… # stage=app version=1.2.0 find-links=wheels`.
public struct LockedPackage: Sendable, Equatable {
    /// Which install step takes the package: what the framework needs goes with the framework,
    /// what the SDK needs with the SDK, the rest with the other requirements, as a build without
    /// a lock splits them (editing requirements.txt never reinstalls torch).
    public enum Stage: String, Sendable, CaseIterable {
        case framework, cog, app
    }

    /// Where the package comes from, and what pins it there.
    public enum Origin: Sendable, Equatable {
        /// A package index (nil when uv did not say which: a links page); the version pins it.
        case index(String?)
        /// An archive at a URL (`name @ https://…whl`); the hash of the file pins it.
        case url(String)
        /// A VCS checkout: `reference` is `git+URL@commit[#fragment]`, as an installer reads it;
        /// a repository of the model folder is `git+file:PATH@commit`, PATH relative to the folder.
        case vcs(reference: String, commit: String)
        /// A source folder of the model (relative to it), pinned by the digest of its files
        /// (`FolderDigest`); `editable` as `-e ./pkg` asked.
        case folder(path: String, digest: String, editable: Bool)
        /// A wheel or sdist file of the model (relative to it); its hash pins it.
        case file(String)
        /// The archive uv chose from a `--find-links` folder of the model: `path` (relative to
        /// the model folder) is the file, directly in `folder`; its hash pins it, and the build
        /// installs that file from the folder as the build context has it.
        case findLinks(folder: String, path: String)
    }

    /// Normalized (PEP 503), as uv writes it.
    public let name: String
    /// nil for a source folder: uv does not record the version of a folder, whose files pin it.
    public let version: PEP440Version?
    /// Of the files an index or URL serves; none for a VCS checkout or a folder, which have no file.
    public let hashes: [PackageHash]
    public let stage: Stage
    public let origin: Origin

    public init(name: String, version: PEP440Version?, hashes: [PackageHash], stage: Stage, origin: Origin) {
        self.name = PackageName.normalize(name)
        self.version = version
        self.hashes = hashes
        self.stage = stage
        self.origin = origin
    }

    public init(name: String, version: PEP440Version, hashes: [PackageHash], stage: Stage, index: String?) {
        self.init(name: name, version: version, hashes: hashes, stage: stage, origin: .index(index))
    }

    /// The index uv took it from; nil for anything else.
    public var index: String? {
        if case .index(let i) = origin { return i }
        return nil
    }

    public var isFromIndex: Bool {
        if case .index = origin { return true }
        return false
    }

    /// Whether an installer can check its files against hashes (`--require-hashes`): a VCS
    /// checkout or a folder has no file to hash, so it is pinned by its commit or digest instead.
    public var isHashed: Bool {
        switch origin {
        case .index, .url, .file, .findLinks: true
        case .vcs, .folder: false
        }
    }

    /// A repository or folder of the model folder (relative path), which the build mounts from
    /// the build context; nil for one the network serves.
    public var modelPath: String? {
        switch origin {
        case .folder(let path, _, _), .file(let path), .findLinks(_, let path): return path
        case .vcs(let reference, _): return Self.localRepository(reference)?.path
        case .index, .url: return nil
        }
    }

    /// `git+file:PATH@commit#fragment` → PATH and what follows it.
    static func localRepository(_ reference: String) -> (path: String, suffix: String)? {
        guard reference.hasPrefix("git+file:") else { return nil }
        let rest = reference.dropFirst("git+file:".count)
        let end = rest.firstIndex { $0 == "@" || $0 == "#" } ?? rest.endIndex
        return (String(rest[..<end]), String(rest[end...]))
    }

    /// What pins it, as `cogpack diff` and the image's package label show it: the version of an
    /// index package; the version and file hash of a URL; the version and commit of a checkout;
    /// the digest of a folder. A moved commit or an edited folder shows as a changed value.
    public var pin: String {
        switch origin {
        case .index: return version?.description ?? "?"
        case .url, .file, .findLinks: return ([version?.description] + hashes.map { Optional($0.algorithm.rawValue + ":" + $0.digest) }).compactMap { $0 }.joined(separator: " ")
        case .vcs(_, let commit): return ([version?.description, "commit " + commit]).compactMap { $0 }.joined(separator: " ")
        case .folder(_, let digest, _): return ([version?.description, digest]).compactMap { $0 }.joined(separator: " ")
        }
    }

    /// The requirement as the lock writes it (with its hashes): `name==version --hash=…` or
    /// `name @ reference --hash=…`. A folder is `name @ file:PATH`, relative to the model folder;
    /// the build rewrites it (and a repository of the model) to where its step has it.
    public var requirement: String {
        let head: String
        switch origin {
        case .index: head = "\(name)==\(version?.description ?? "")"
        case .url(let url): head = "\(name) @ \(url)"
        case .vcs(let reference, _): head = "\(name) @ \(reference)"
        case .folder(let path, _, _), .file(let path), .findLinks(_, let path): head = "\(name) @ file:\(path)"
        }
        return ([head] + hashes.map(\.option)).joined(separator: " ")
    }

    public var line: String {
        var fields = ["stage=\(stage.rawValue)"]
        switch origin {
        case .index(let index):
            if let index { fields.append("index=\(index)") }
        case .url, .vcs, .file:
            if let version { fields.append("version=\(version)") }
        case .findLinks(let folder, _):
            if let version { fields.append("version=\(version)") }
            fields.append("find-links=\(folder)")
        case .folder(_, let digest, let editable):
            if let version { fields.append("version=\(version)") }
            fields.append("digest=\(digest)")
            if editable { fields.append("editable") }
        }
        return requirement + " # " + fields.joined(separator: " ")
    }

    /// Reads a line `line` renders; the error says what is wrong, the caller adds file and line.
    public init(parsing text: String) throws(LockSyntaxError) {
        // A `#fragment` of a VCS reference is part of the requirement, not the comment: the
        // comment starts at ` # ` (or, on a line with no such mark, at its first `#`).
        let (body, comment): (String, String)
        if let mark = text.range(of: " # ") {
            body = text[..<mark.lowerBound].trimmingCharacters(in: .whitespaces)
            comment = text[mark.upperBound...].trimmingCharacters(in: .whitespaces)
        } else {
            let halves = text.split(separator: "#", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            body = halves.first ?? ""
            comment = halves.count > 1 ? halves[1] : ""
        }
        var words = body.split(separator: " ").map(String.init)
        guard let first = words.first else { throw LockSyntaxError("expected NAME==VERSION or NAME @ URL, found \(LineText.quoted(text))") }
        let name: String
        var version: PEP440Version?
        var reference: String?
        if words.count >= 3, words[1] == "@" {
            name = first
            reference = words[2]
            words.removeFirst(3)
        } else if let eq = first.range(of: "==") {
            guard let v = PEP440Version(String(first[eq.upperBound...])) else {
                throw LockSyntaxError("\(LineText.quoted(String(first[eq.upperBound...]))) is not a version")
            }
            name = String(first[..<eq.lowerBound])
            version = v
            words.removeFirst()
        } else {
            throw LockSyntaxError("expected NAME==VERSION or NAME @ URL, found \(LineText.quoted(text))")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw LockSyntaxError("\(LineText.quoted(name)) is not a package name")
        }
        var hashes: [PackageHash] = []
        for word in words {
            guard word.hasPrefix("--hash="), let h = PackageHash(String(word.dropFirst("--hash=".count))) else {
                throw LockSyntaxError("\(LineText.quoted(word)) is not --hash=ALGORITHM:DIGEST")
            }
            hashes.append(h)
        }
        var stage: Stage?
        var index: String?
        var digest: String?
        var findLinks: String?
        var editable = false
        for field in comment.split(separator: " ") {
            if field.hasPrefix("stage=") {
                guard let s = Stage(rawValue: String(field.dropFirst("stage=".count))) else {
                    throw LockSyntaxError("\(LineText.quoted(String(field))) is not one of stage=framework, stage=cog, stage=app")
                }
                stage = s
            } else if field.hasPrefix("index=") {
                index = String(field.dropFirst("index=".count))
            } else if field.hasPrefix("version="), reference != nil {
                guard let v = PEP440Version(String(field.dropFirst("version=".count))) else {
                    throw LockSyntaxError("\(LineText.quoted(String(field))) is not version=VERSION")
                }
                version = v
            } else if field.hasPrefix("digest="), reference != nil {
                digest = String(field.dropFirst("digest=".count))
            } else if field.hasPrefix("find-links="), reference != nil {
                findLinks = String(field.dropFirst("find-links=".count))
            } else if field == "editable", reference != nil {
                editable = true
            }
        }
        guard let stage else { throw LockSyntaxError("\(first) has no `# stage=…`; write cogpack lock again") }
        let origin: Origin
        if let reference {
            origin = try Self.origin(reference, hashes: hashes, digest: digest, editable: editable, index: index, findLinks: findLinks)
        } else {
            guard !hashes.isEmpty else { throw LockSyntaxError("\(first) has no --hash; a lock checks every file it installs") }
            origin = .index(index)
        }
        self.init(name: name, version: version, hashes: hashes, stage: stage, origin: origin)
    }

    /// What a `name @ reference` line pins, checked: a URL needs its file's hash, a checkout its
    /// full commit, a folder its digest and a path inside the model folder.
    private static func origin(_ reference: String, hashes: [PackageHash], digest: String?, editable: Bool, index: String?,
                               findLinks: String?) throws(LockSyntaxError) -> Origin {
        guard index == nil else { throw LockSyntaxError("index= is for a NAME==VERSION line, not \(LineText.quoted(reference))") }
        if let folder = findLinks {
            // An archive of a --find-links folder of the model: a file directly in that folder.
            let path = String(reference.dropFirst("file:".count))
            guard reference.hasPrefix("file:"), path.hasPrefix(folder + "/"), !path.dropFirst(folder.count + 1).contains("/"),
                  !hashes.isEmpty, digest == nil, !editable else {
                throw LockSyntaxError("find-links=\(folder) needs file:\(folder)/ARCHIVE with its --hash, not \(LineText.quoted(reference))")
            }
            try checkModelPath(path)
            return .findLinks(folder: folder, path: path)
        }
        if reference.hasPrefix("file:"), !hashes.isEmpty, digest == nil, !editable {
            // A package file of the model: its hash pins it, as a URL's does.
            let path = String(reference.dropFirst("file:".count))
            try checkModelPath(path)
            return .file(path)
        }
        if reference.hasPrefix("file:") {
            let path = String(reference.dropFirst("file:".count))
            guard hashes.isEmpty, let digest, FolderDigest.isDigest(digest) else {
                throw LockSyntaxError("the folder \(LineText.quoted(path)) needs `digest=sha256:…` and no --hash")
            }
            try checkModelPath(path)
            return .folder(path: path, digest: digest, editable: editable)
        }
        guard !editable, digest == nil else { throw LockSyntaxError("digest= and editable are for a folder (file:PATH) only") }
        if RequirementsParser.vcsSchemes.contains(where: reference.hasPrefix) {
            guard hashes.isEmpty else { throw LockSyntaxError("a VCS checkout has no file to hash; its commit pins it") }
            let beforeFragment = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard let at = beforeFragment.lastIndex(of: "@"), case let commit = String(beforeFragment[beforeFragment.index(after: at)...]),
                  [40, 64].contains(commit.count), commit.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw LockSyntaxError("\(LineText.quoted(reference)) does not end in @COMMIT (the full commit uv resolved)")
            }
            if reference.hasPrefix("git+file:") {
                guard let local = localRepository(reference) else { throw LockSyntaxError("\(LineText.quoted(reference)) names no repository") }
                try checkModelPath(local.path)
            }
            return .vcs(reference: reference, commit: commit)
        }
        guard reference.hasPrefix("https://") || reference.hasPrefix("http://") else {
            throw LockSyntaxError("\(LineText.quoted(reference)) is not an http(s) URL, a VCS URL or file:PATH")
        }
        guard !hashes.isEmpty else { throw LockSyntaxError("\(LineText.quoted(reference)) has no --hash; a lock checks every file it installs") }
        return .url(reference)
    }

    /// A path the lock names must stay inside the model folder: relative, with no `..`, `.` or
    /// empty part (the build mounts it from the build context).
    static func checkModelPath(_ path: String) throws(LockSyntaxError) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
              path.allSatisfy({ !$0.isWhitespace && $0 != "#" && $0 != "@" && $0 != "\\" && !($0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false) }) else {
            throw LockSyntaxError("\(LineText.quoted(path)) is not a path inside the model folder")
        }
    }
}

/// What is wrong with one line of a lock file, before the file and line are known.
public struct LockSyntaxError: Error, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
}

import Rules

/// A `--find-links DIR` folder of the model (a wheelhouse shipped with it) as a lock sees it: the
/// package archives it holds, by name, each with the sha256 of its bytes. uv reads the archives
/// directly in the folder, not in folders below it, and only by their names as distributions
/// (`.whl`, `.tar.gz`, `.zip`, …), so those are the files that can change what is locked; a
/// README next to them cannot. The lock records the whole list, not only the files it installs:
/// a newer wheel added to the folder is what uv would pick next, so it makes the lock stale too.
public struct FindLinksFolder: Sendable, Equatable {
    /// Relative to the model folder.
    public let path: String
    /// File name → `sha256:…`.
    public var files: [String: String]
    /// The `--find-links` line (for a recorded folder, the lock's first line of it).
    public let source: Provenance

    public init(path: String, files: [String: String], source: Provenance) {
        self.path = path
        self.files = files
        self.source = source
    }

    /// The same folder with the same archives, wherever its line is.
    public static func == (a: FindLinksFolder, b: FindLinksFolder) -> Bool { a.path == b.path && a.files == b.files }

    /// The endings uv reads as a wheel or a source distribution in a links folder.
    static let archiveEndings = [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tar.zst", ".tgz", ".tbz", ".txz", ".tar.lz", ".tar.lzma"]

    static func isArchive(_ name: String) -> Bool { archiveEndings.contains { name.hasSuffix($0) } }

    /// The model's `--find-links` folders as they are now (one a path, the first line that names
    /// it), with the digests of their archives as the build context holds them.
    static func of(_ project: Project, _ source: SourceInfo) throws -> [FindLinksFolder] {
        var out: [FindLinksFolder] = []
        for option in project.requirements.options {
            guard case .findLinks(.local(let path)) = option.kind, !out.contains(where: { $0.path == path }) else { continue }
            var files: [String: String] = [:]
            for file in source.files where file.path.hasPrefix(path + "/") {
                let name = String(file.path.dropFirst(path.count + 1))
                guard !name.contains("/"), isArchive(name) else { continue }
                // A symlink is read where it leads only when that is in the folder too: the build
                // binds the folder alone, and nothing outside the model is ever read.
                guard let real = try project.folder.resolve(file.path, at: option.source, what: "the archive"), real.hasPrefix(path + "/") else {
                    throw InputError(option.source, "\(file.path) is a symlink out of the --find-links folder \(path); put the archive itself in the folder")
                }
                files[name] = FolderDigest.fileDigest(try project.folder.data(real))
            }
            out.append(FindLinksFolder(path: path, files: files, source: option.source))
        }
        return out
    }

    /// The header lines of the lock: `PATH NAME sha256:…` a file, sorted; `PATH` alone for a
    /// folder with none, so that an archive added to it later is seen.
    var recorded: [String] {
        files.isEmpty ? [path] : files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { "\(path) \($0) \(files[$0]!)" }
    }

    /// What differs from `now` (the same folder): archives changed, added or removed, one phrase each.
    func differences(to now: FindLinksFolder) -> [String] {
        var out: [String] = []
        for name in Set(files.keys).union(now.files.keys).sorted() {
            switch (files[name], now.files[name]) {
            case let (before?, after?) where before != after: out.append("\(path)/\(name) changed (its sha256 is \(after), the lock has \(before))")
            case (nil, _?): out.append("\(path)/\(name) was added")
            case (_?, nil): out.append("\(path)/\(name) was removed")
            default: continue
            }
        }
        return out
    }
}

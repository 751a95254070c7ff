import Rules

/// What pins a package of the model folder beyond its requirement's line, as it is now: the
/// digest of a source folder's files (`./local_pkg`, `-e ./pkg`), or the commit a `git+file:`
/// repository's ref points to. A lock records both; an edit of the folder, or a commit made in
/// the repository since, makes the lock stale though no line changed.
public struct LocalPin: Sendable, Equatable {
    public enum Kind: String, Sendable { case folder, repository, file }

    public let kind: Kind
    /// Relative to the model folder.
    public let path: String
    /// `sha256:…` of a folder, or of a package file; the commit of a repository; nil when git
    /// cannot tell.
    public let value: String?
    /// The requirement's line.
    public let source: Provenance

    public init(kind: Kind, path: String, value: String?, source: Provenance) {
        self.kind = kind
        self.path = path
        self.value = value
        self.source = source
    }

    /// The pins of the project's active requirements (one a path, the first line that names it).
    static func of(_ project: Project, _ source: SourceInfo) throws -> [LocalPin] {
        var out: [LocalPin] = []
        for r in project.activeRequirements {
            switch r.origin {
            case .directory(let path) where !out.contains(where: { $0.kind == .folder && $0.path == path }):
                out.append(LocalPin(kind: .folder, path: path, value: try FolderDigest.of(path, source: source, folder: project.folder), source: r.source))
            case .file(let path) where !out.contains(where: { $0.kind == .file && $0.path == path }):
                out.append(LocalPin(kind: .file, path: path, value: FolderDigest.fileDigest(try project.folder.data(path)), source: r.source))
            case .localVCS(let path, let suffix) where !out.contains(where: { $0.kind == .repository && $0.path == path }):
                out.append(LocalPin(kind: .repository, path: path,
                                    value: LocalRepository.commit(path, ref: LocalRepository.ref(suffix), folder: project.folder), source: r.source))
            default:
                continue
            }
        }
        return out
    }

    /// The pin a lock's package records, if it is one of the model folder's.
    static func recorded(_ p: LockedPackage) -> (kind: Kind, path: String, value: String)? {
        switch p.origin {
        case .folder(let path, let digest, _): return (.folder, path, digest)
        case .vcs(let reference, let commit):
            return LockedPackage.localRepository(reference).map { (.repository, $0.path, commit) }
        case .file(let path):
            return p.hashes.first { $0.algorithm == .sha256 }.map { (.file, path, "sha256:" + $0.digest) }
        case .index, .url, .findLinks: return nil
        }
    }
}

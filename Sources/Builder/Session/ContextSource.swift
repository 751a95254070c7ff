import Basics
import Foundation
import PlanFormat
#if canImport(Glibc)
import Glibc
#endif

/// One entry of a context as FileSync sends it: a relative path, Go `os.FileMode` bits, and
/// where its bytes come from.
struct ContextEntry {
    enum Content {
        case file(URL)
        case bytes([UInt8])
        case none
    }

    let path: String
    let mode: UInt32
    let size: Int64
    let modTime: Int64
    let linkname: String
    let content: Content

    static let modeDir: UInt32 = 1 << 31
    static let modeSymlink: UInt32 = 1 << 27
    static let modeSetuid: UInt32 = 1 << 23
    static let modeSetgid: UInt32 = 1 << 22
    static let modeSticky: UInt32 = 1 << 20

    var isRegular: Bool { mode & (Self.modeDir | Self.modeSymlink) == 0 }
}

/// Files a session serves under a context name.
protocol ContextSource: Sendable {
    /// Entries in the order FileSync needs: depth-first, each folder's names sorted bytewise,
    /// parents before children; with the request's include and exclude patterns applied.
    func entries(includes: [String], excludes: [String]) throws -> [ContextEntry]
}

/// What a request's patterns keep: excludes in `.dockerignore` syntax (with `!` exceptions);
/// includes as path prefixes, a folder on the way to an included path kept for the walk.
struct PathFilter {
    /// An include pattern, whole and by path component, each compiled once.
    struct Include {
        let whole: IgnorePatterns
        let components: [IgnorePatterns]
    }

    let excludes: IgnorePatterns
    let includes: [Include]

    init(includes: [String], excludes: [String]) {
        self.excludes = IgnorePatterns(excludes)
        self.includes = includes.map { IgnorePatterns.clean($0) }.filter { !$0.isEmpty && $0 != "." }.map { pattern in
            Include(whole: IgnorePatterns([pattern]), components: pattern.split(separator: "/").map { IgnorePatterns([String($0)]) })
        }
    }

    /// (keep this entry, look inside it).
    func decide(_ path: String, isDirectory: Bool) -> (keep: Bool, descend: Bool) {
        var included = includes.isEmpty
        var onTheWay = false
        for include in includes {
            if include.whole.excludes(path) { included = true; break }
            if isDirectory, Self.isPrefix(path, of: include) { onTheWay = true }
        }
        if !included && !onTheWay { return (false, false) }
        if excludes.excludes(path) {
            let descend = isDirectory && excludes.mayReinclude(under: path)
            return (false, descend)
        }
        return (included || onTheWay, isDirectory)
    }

    /// `a/b` is on the way to the pattern `a/b/c*`.
    static func isPrefix(_ path: String, of include: Include) -> Bool {
        let dc = path.split(separator: "/").map(String.init)
        guard dc.count < include.components.count else { return false }
        for (d, p) in zip(dc, include.components) where !p.excludes(d) { return false }
        return true
    }
}

/// A folder on disk (the model). Symlinks are sent as links and never followed.
struct DirectoryContext: ContextSource {
    let root: URL

    func entries(includes: [String], excludes: [String]) throws -> [ContextEntry] {
        let filter = PathFilter(includes: includes, excludes: excludes)
        var out: [ContextEntry] = []
        try walk(root.path, relative: "", filter: filter, into: &out)
        return out
    }

    /// The names in a folder, or an error that says which folder of the model could not be
    /// read and why (Foundation's own says "NSCocoaErrorDomain Code=257").
    static func names(in dir: String, shown: String) throws -> [String] {
        switch FileSystem.local.listDirectory(dir) {
        case .success(let names): return names
        case .failure(let error):
            throw BuildError.context("cannot read the folder \(shown.isEmpty ? "." : shown) of the model: \(error.reason); make it readable, or list it in .dockerignore")
        }
    }

    private func walk(_ dir: String, relative: String, filter: PathFilter, into out: inout [ContextEntry]) throws {
        let names = try Self.names(in: dir, shown: relative)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = dir + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            let isDir = type == S_IFDIR
            let (keep, descend) = filter.decide(rel, isDirectory: isDir)
            guard keep || descend else { continue }
            var mode = UInt32(st.st_mode & 0o777)
            if st.st_mode & S_ISUID != 0 { mode |= ContextEntry.modeSetuid }
            if st.st_mode & S_ISGID != 0 { mode |= ContextEntry.modeSetgid }
            if st.st_mode & S_ISVTX != 0 { mode |= ContextEntry.modeSticky }
            let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            switch type {
            case S_IFDIR:
                if keep {
                    out.append(ContextEntry(path: rel, mode: mode | ContextEntry.modeDir, size: 0, modTime: mtime, linkname: "", content: .none))
                    try walk(full, relative: rel, filter: filter, into: &out)
                } else {
                    // Excluded, but an exception may bring back something inside: keep the
                    // folder only if it does.
                    var inner: [ContextEntry] = []
                    try walk(full, relative: rel, filter: filter, into: &inner)
                    if !inner.isEmpty {
                        out.append(ContextEntry(path: rel, mode: mode | ContextEntry.modeDir, size: 0, modTime: mtime, linkname: "", content: .none))
                        out += inner
                    }
                }
            case S_IFLNK where keep:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? ""
                out.append(ContextEntry(path: rel, mode: mode | ContextEntry.modeSymlink, size: Int64(target.utf8.count), modTime: mtime, linkname: target, content: .none))
            case S_IFREG where keep:
                out.append(ContextEntry(path: rel, mode: mode, size: Int64(st.st_size), modTime: mtime, linkname: "", content: .file(URL(fileURLWithPath: full))))
            default:
                continue  // sockets, pipes and devices are not part of a model
            }
        }
    }
}

/// Files held in memory (generated contexts, the CA bundle), with fixed times so that their
/// checksums never change between builds.
struct MemoryContext: ContextSource {
    let files: [String: (bytes: [UInt8], mode: Int)]

    func entries(includes: [String], excludes: [String]) throws -> [ContextEntry] {
        let filter = PathFilter(includes: includes, excludes: excludes)
        var dirs = Set<String>()
        for path in files.keys {
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty {
                dirs.insert(parts.joined(separator: "/"))
                parts = parts.dropLast()
            }
        }
        // Depth-first with bytewise order per folder: sort by path components.
        let all = (Array(dirs) + Array(files.keys)).sorted { a, b in
            a.split(separator: "/").map { Array($0.utf8) }.lexicographicallyPrecedes(b.split(separator: "/").map { Array($0.utf8) }) {
                $0.lexicographicallyPrecedes($1)
            }
        }
        return all.compactMap { path in
            let isDir = dirs.contains(path)
            guard filter.decide(path, isDirectory: isDir).keep || isDir else { return nil }
            if isDir { return ContextEntry(path: path, mode: ContextEntry.modeDir | 0o755, size: 0, modTime: 0, linkname: "", content: .none) }
            let f = files[path]!
            return ContextEntry(path: path, mode: UInt32(f.mode), size: Int64(f.bytes.count), modTime: 0, linkname: "", content: .bytes(f.bytes))
        }
    }
}

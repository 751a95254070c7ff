import Foundation
import Rules

/// The model folder, read once: its files (with sizes) and its `.dockerignore`, with the queries
/// blocks ask of it. Nothing else in the planner touches the file system.
public struct SourceInfo: Sendable {
    public struct File: Sendable, Hashable {
        /// Relative to the model folder, `/`-separated.
        public let path: String
        public let size: Int64
    }

    /// Never part of an image: version control, Cog's own state, byte-code caches.
    public static let alwaysExcluded = [".git", ".cog", "**/__pycache__", "**/*.pyc"]
    /// Files at least this large that are not code are weights (Cog's threshold).
    public static let weightsThreshold: Int64 = 10 << 20
    static let codeExtensions: Set<String> = ["py", "pyi", "ipynb", "whl", "so", "sh", "md", "log"]

    public let root: URL
    public let files: [File]
    public let ignore: IgnorePatterns
    /// The `.dockerignore` lines as written, for the plan's excludes.
    public let ignoreLines: [String]

    public static func read(_ root: URL) throws -> SourceInfo {
        try read(try ModelFolder(root))
    }

    public static func read(_ folder: ModelFolder) throws -> SourceInfo {
        var ignoreLines: [String] = []
        let at = Provenance(file: ".dockerignore", line: nil)
        // It must be the folder's own: its lines go into the plan, which `plan --json` prints.
        if let path = try folder.resolve(".dockerignore", at: at, what: "the file"),
           let text = try folder.text(path, at: at, what: "the file") {
            for (n, line) in IgnorePatterns.lines(of: text).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                // Docker refuses a malformed pattern; matching nothing instead would send what it meant to leave out.
                guard IgnorePatterns([trimmed]).malformed.isEmpty else {
                    throw InputError(Provenance(file: ".dockerignore", line: n + 1),
                                     "\(LineText.quoted(trimmed)) is not a valid pattern (an unclosed or empty [ ], or a reversed range); fix the class or escape [ as \\[")
                }
                ignoreLines.append(trimmed)
            }
        }
        let ignore = IgnorePatterns(alwaysExcluded + ignoreLines)
        var files: [File] = []
        try walk(folder, relative: "", ignore: ignore, into: &files)
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return SourceInfo(root: folder.root, files: files, ignore: ignore, ignoreLines: ignoreLines)
    }

    /// Every file the build context will hold. A folder that cannot be read is an error (its
    /// files would be missing from the image), unless `.dockerignore` leaves it out.
    private static func walk(_ folder: ModelFolder, relative: String, ignore: IgnorePatterns, into files: inout [File]) throws {
        for name in try folder.list(relative) {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let entry = try folder.entry(rel)
            if entry.kind == .directory {
                if ignore.excludes(rel) && !ignore.mayReinclude(under: rel) { continue }
                try walk(folder, relative: rel, ignore: ignore, into: &files)
            } else if !ignore.excludes(rel) {
                files.append(File(path: rel, size: entry.size))
            }
        }
    }

    public func exists(_ path: String) -> Bool { files.contains { $0.path == path } }

    /// Files matching a `.dockerignore`-style pattern (`*.py`, `**/*.safetensors`).
    public func glob(_ pattern: String) -> [File] {
        let p = IgnorePatterns([pattern])
        return files.filter { p.excludes($0.path) }
    }

    /// Large files that are not code, to be put in their own layer before the source.
    public var weights: [File] {
        files.filter { f in
            let ext = (f.path as NSString).pathExtension.lowercased()
            return f.size >= Self.weightsThreshold && !Self.codeExtensions.contains(ext)
        }
    }
}

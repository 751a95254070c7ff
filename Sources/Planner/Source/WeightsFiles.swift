import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Rules

/// The files of a `weights:` entry whose sources are in the model folder, and where each lands:
/// a source folder's files keep their paths below it, under the entry's target (a source file
/// lands at the target with its own name), filtered by the source's `include` and `exclude`
/// (gitignore-style, as Cog's import filters them). `.dockerignore` does not apply: Cog's own
/// example lists its weights folder there to keep it out of /src, which cogpack does itself.
public struct WeightsFiles: Sendable {
    public struct File: Sendable, Hashable {
        /// Relative to the model folder.
        public let path: String
        /// Absolute, in the image.
        public let destination: String
        public let size: Int64
    }

    public let name: String
    public let target: String
    public let files: [File]
    /// The sources' folders and files, relative to the model folder (left out of /src).
    public let sourcePaths: [String]

    static func read(_ weights: CogConfig.Weights, in folder: ModelFolder) throws -> WeightsFiles {
        var files: [File] = []
        var paths: [String] = []
        for source in weights.sources {
            guard let local = source.localPath else { continue }
            guard let path = try folder.resolve(local, at: source.source, what: "the weights source") else {
                throw InputError(source.source, "weights \(weights.name): \(LineText.quoted(source.uri)) does not exist in the model folder; put the files there or fix the uri")
            }
            guard !path.isEmpty else {
                throw InputError(source.source, "weights \(weights.name): \(LineText.quoted(source.uri)) is the whole model folder; put the weights in a folder of their own, e.g. uri: ./weights")
            }
            paths.append(path)
            var found: [(String, Int64)] = []
            let entry = try folder.entry(path)
            if entry.kind == .directory {
                try walk(folder, path, into: &found)
            } else {
                found.append((path, entry.size))
            }
            let before = files.count
            for (file, size) in found {
                // Relative to the source: a folder's files keep their paths, a file its name.
                let rel = file == path ? String(file.split(separator: "/").last ?? "") : String(file.dropFirst(path.count + 1))
                if !source.include.isEmpty, !source.include.contains(where: { Self.matches($0, rel) }) { continue }
                if source.exclude.contains(where: { Self.matches($0, rel) }) { continue }
                let destination = weights.target + "/" + rel
                if files.contains(where: { $0.destination == destination }) {
                    throw InputError(source.source, "weights \(weights.name): two sources both put a file at \(destination); keep one")
                }
                files.append(File(path: file, destination: destination, size: size))
            }
            if files.count == before {
                throw InputError(source.source, "weights \(weights.name): no file of \(LineText.quoted(source.uri)) is left by its include and exclude patterns; fix the patterns or the uri")
            }
        }
        return WeightsFiles(name: weights.name, target: weights.target, files: files, sourcePaths: paths)
    }

    /// Every file below `relative`, but version control and byte-code caches (never in an image).
    private static func walk(_ folder: ModelFolder, _ relative: String, into files: inout [(String, Int64)]) throws {
        let never = IgnorePatterns(SourceInfo.alwaysExcluded)
        for name in try folder.list(relative).sorted() {
            let rel = relative + "/" + name
            if never.excludes(rel) { continue }
            let entry = try folder.entry(rel)
            if entry.kind == .directory {
                try walk(folder, rel, into: &files)
            } else {
                files.append((rel, entry.size))
            }
        }
    }

    /// A gitignore-style pattern on a path relative to the source: one with a `/` inside is
    /// anchored to the source (and covers what is below what it names); a bare one (`*.json`,
    /// `onnx/`) matches any component at any depth (`name/` only folders).
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        var p = pattern
        let folderOnly = p.hasSuffix("/")
        while p.hasSuffix("/") { p.removeLast() }
        if p.hasPrefix("/") { p.removeFirst() }
        guard !p.isEmpty else { return false }
        let parts = path.split(separator: "/").map(String.init)
        if p.contains("/") {
            // Anchored: the pattern's components against the path's first ones (`**` spans any).
            return IgnorePatterns([p]).excludes(path)
        }
        let candidates = folderOnly ? parts.dropLast() : parts[...]
        return candidates.contains { fnmatch(p, $0, 0) == 0 }
    }
}

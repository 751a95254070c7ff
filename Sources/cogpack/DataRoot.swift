import Foundation
import Planner
import Rules

/// Where `rules/` and `data/` live: `COGPACK_DATA` if set; else `share/cogpack` next to the
/// executable's `bin` folder (an installed cogpack: PREFIX/bin/cogpack and PREFIX/share/cogpack);
/// else the nearest folder above the executable that holds them (the repository a developer built
/// from); else the working folder.
enum DataRoot {
    static func find() -> URL? {
        if let env = ProcessInfo.processInfo.environment["COGPACK_DATA"] { return URL(fileURLWithPath: env) }
        var dir = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        let installed = dir.deletingLastPathComponent().appendingPathComponent("share/cogpack")
        if FileManager.default.fileExists(atPath: installed.appendingPathComponent("data/cuda-matrix.json").path) { return installed }
        for _ in 0..<8 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("data/cuda-matrix.json").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return FileManager.default.fileExists(atPath: cwd.appendingPathComponent("data/cuda-matrix.json").path) ? cwd : nil
    }

    /// This executable, read from `/proc/self/exe` (`Bundle.main` reads the folder the executable
    /// is in first: 6 ms of `cogpack --version` run from a build folder).
    static var executable: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// cogpack's folder in the user's cache (`XDG_CACHE_HOME`, else `~/.cache`).
    static var cacheDirectory: URL {
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("cogpack")
    }

    /// Where rebuilds keep their resolutions, salted with the identity of the rules data and of
    /// this binary (sizes and modification times).
    static func resolutionCache() -> ResolutionCache? {
        guard let root = find() else { return nil }
        var files = [executable.path, root.appendingPathComponent("data/cuda-matrix.json").path]
        let rules = root.appendingPathComponent("rules")
        files += ((try? FileManager.default.contentsOfDirectory(atPath: rules.path)) ?? []).sorted().map { rules.appendingPathComponent($0).path }
        let salt = files.map { path -> String in
            let attrs = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attrs?[.size] as? NSNumber)?.int64Value ?? -1
            let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(path):\(size):\(mtime)"
        }.joined(separator: "\n")
        return ResolutionCache(directory: cacheDirectory.appendingPathComponent("resolutions"), salt: salt)
    }

    static func knowledgeBase() throws -> KnowledgeBase {
        guard let root = find() else {
            throw InputError(.flag("COGPACK_DATA"), "cannot find rules/ and data/cuda-matrix.json; set COGPACK_DATA to the cogpack folder")
        }
        return try KnowledgeBase.load(root: root)
    }
}

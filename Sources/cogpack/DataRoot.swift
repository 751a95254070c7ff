import Foundation

/// Where `rules/` and `data/` live: `COGPACK_DATA` if set, else the nearest folder above the
/// executable that holds them (the repository a developer built from).
enum DataRoot {
    static func find() -> URL? {
        if let env = ProcessInfo.processInfo.environment["COGPACK_DATA"] { return URL(fileURLWithPath: env) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("data/cuda-matrix.json").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return FileManager.default.fileExists(atPath: cwd.appendingPathComponent("data/cuda-matrix.json").path) ? cwd : nil
    }
}

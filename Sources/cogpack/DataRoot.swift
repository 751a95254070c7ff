import Foundation
import Rules

/// Where `rules/` and `data/` live: `COGPACK_DATA` if set, else the nearest folder above the
/// executable that holds them (the repository a developer built from), else the working folder.
enum DataRoot {
    static func find() -> URL? {
        if let env = ProcessInfo.processInfo.environment["COGPACK_DATA"] { return URL(fileURLWithPath: env) }
        let exe = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var dir = exe.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("data/cuda-matrix.json").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return FileManager.default.fileExists(atPath: cwd.appendingPathComponent("data/cuda-matrix.json").path) ? cwd : nil
    }

    static func knowledgeBase() throws -> KnowledgeBase {
        guard let root = find() else {
            throw InputError(.flag("COGPACK_DATA"), "cannot find rules/ and data/cuda-matrix.json; set COGPACK_DATA to the cogpack folder")
        }
        return try KnowledgeBase.load(root: root)
    }
}

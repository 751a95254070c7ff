import Foundation
import Planner
import Rules

/// Helpers shared by the fuzz targets (compiled into each of them by scripts/fuzz.sh).
enum FuzzInput {
    /// The bytes libFuzzer hands over, as the planner would read them from a file: valid UTF-8 or
    /// nothing (ModelFolder refuses other bytes before any parser sees them).
    static func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String? {
        guard let data, size > 0 else { return size == 0 ? "" : nil }
        return String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    }

    /// The input cut at NUL bytes: a NUL can never be part of the text the parsers accept (it is
    /// a control character), so it is free to separate the several strings one input carries.
    static func parts(_ text: String) -> [String] {
        text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    }

    /// The rules (cog.yaml's keys and the known Pythons live there), read once from the checkout:
    /// scripts/fuzz.sh runs the targets from the repository's root.
    static let kb: KnowledgeBase = {
        do {
            return try KnowledgeBase.load(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        } catch {
            fatalError("run the fuzz targets from the repository root (rules/ and data/ are read from there): \(error)")
        }
    }()

    /// Stops the run the way libFuzzer reports a crash, with a line that says which property broke.
    static func fail(_ message: String) -> Never {
        fatalError("fuzz property violated: \(message)")
    }
}

/// A model folder that lives in memory: the files are given as a dictionary of paths relative to
/// the folder. Reading through the same `FileSystem` seam as the real folder keeps every check of
/// `ModelFolder` in the path, without a temporary folder (and its disk writes) per input.
enum MemoryFolder {
    static let root = "/fuzz-model"

    static func make(_ files: [String: String]) throws -> ModelFolder {
        let contents = files.reduce(into: [String: Data]()) { $0[root + "/" + $1.key] = Data($1.value.utf8) }
        let system = FileSystem(
            realPath: { path in
                // Paths reach here folded (no `.` or `..`), so they name an entry as they stand.
                path == root || contents[path] != nil ? .success(path) : .failure(.ENOENT)
            },
            readFile: { path, limit in
                if path == root { return .failure(.EISDIR) }
                guard let data = contents[path] else { return .failure(.ENOENT) }
                return data.count > limit ? .failure(.EFBIG) : .success(data)
            },
            listDirectory: { path in
                guard path == root else { return .failure(.ENOTDIR) }
                return .success(contents.keys.map { String($0.dropFirst(root.count + 1)) })
            },
            entry: { path in
                if path == root { return .success((.directory, 0)) }
                guard let data = contents[path] else { return .failure(.ENOENT) }
                return .success((.file, Int64(data.count)))
            })
        return try ModelFolder(URL(fileURLWithPath: root), system: system)
    }
}

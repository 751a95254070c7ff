import Foundation
import XCTest

/// A scratch folder for hostile runs: a sentinel file with a random token outside the model
/// folder (no output may ever show the token), a copy of examples/hello as the model, model
/// folders whose names hold a line feed or a carriage return, and a named pipe.
///
///     root/sentinel.txt
///     root/cases/model/            (the model; ../../sentinel.txt from here is the sentinel)
///     root/cases/a\nb/, root/cases/a\rb/
///     root/fifo
final class HostileFixture {
    let root: URL
    let token: String
    let sentinel: URL
    let model: URL
    let fifo: URL

    init() throws {
        let fm = FileManager.default
        // Short: the engine address below it must fit a Unix socket path (108 bytes).
        root = fm.temporaryDirectory.appendingPathComponent("cogpack-hostile-\(UUID().uuidString.prefix(8))")
        token = "SENTINEL-\(UUID().uuidString)"
        sentinel = root.appendingPathComponent("sentinel.txt")
        model = root.appendingPathComponent("cases/model")
        fifo = root.appendingPathComponent("fifo")
        try fm.createDirectory(at: root.appendingPathComponent("cases"), withIntermediateDirectories: true)
        try Data("\(token)\n".utf8).write(to: sentinel)
        try fm.copyItem(at: CLI.repo.appendingPathComponent("examples/hello"), to: model)
        for name in ["a\nb", "a\rb"] {
            try fm.copyItem(at: CLI.repo.appendingPathComponent("examples/hello"), to: root.appendingPathComponent("cases/\(name)"))
        }
        guard mkfifo(fifo.path, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var environment: [String: String] { BoundedRun.environment(scratch: root) }

    /// A fresh copy of the model folder, with files replaced (nil removes one).
    func model(named name: String, files: [String: Data?]) throws -> URL {
        let dir = root.appendingPathComponent("models/\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: model, to: dir)
        for (path, content) in files {
            let url = dir.appendingPathComponent(path)
            try? FileManager.default.removeItem(at: url)
            if let content { try content.write(to: url) }
        }
        return dir
    }

    /// A plan file with these bytes.
    func plan(named name: String, _ data: Data) throws -> URL {
        let url = root.appendingPathComponent("plans/\(name).json")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url
    }

    /// The plan snapshot of examples/system-run: copies, secrets, caches and generated files.
    static func snapshot() throws -> Data {
        try Data(contentsOf: CLI.repo.appendingPathComponent("Tests/PlannerTests/Snapshots/system-run.json"))
    }

    /// What a run must never do, whatever its input: crash, hang, or show the sentinel.
    func breakage(_ outcome: BoundedRun.Outcome) -> String? {
        if let b = outcome.breakage { return b }
        if outcome.output.contains(token) { return "printed the content of a host file outside the model folder" }
        return nil
    }
}

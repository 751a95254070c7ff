import Foundation

/// The `rules/` and `data/` of another commit, written to a temporary folder for loading: the
/// base a rules change is compared with.
public enum RulesSnapshot {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Extracts `rules` and `data` at `revision` of the first of `candidates` that is in a git
    /// repository (the data folder in use, then the checkout cogpack was built in).
    public static func extract(revision: String, repositoryOf candidates: [URL]) throws -> URL {
        guard let root = try candidates.first(where: { try run("/usr/bin/git", ["-C", $0.path, "rev-parse", "--git-dir"]).status == 0 }) else {
            throw Failure(description: "--base \(revision): neither \(candidates.map(\.path).joined(separator: " nor ")) is in a git repository; use --base-data DIR")
        }
        guard !revision.hasPrefix("-"), !revision.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw Failure(description: "--base '\(revision)' is not a revision; name a commit, a branch or a tag")
        }
        let dest = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dest, withIntermediateDirectories: true)
        let tar = dest.appendingPathComponent("rules.tar")
        let archived = try run("/usr/bin/git", ["-C", root.path, "archive", "--format=tar", "-o", tar.path, revision, "--", "rules", "data"])
        guard archived.status == 0 else {
            try? FileManager.default.removeItem(at: dest)
            throw Failure(description: "--base \(revision): git could not read rules/ and data/ there: \(archived.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let unpacked = try run("/bin/tar", ["-x", "-f", tar.path, "-C", dest.path])
        try? FileManager.default.removeItem(at: tar)
        guard unpacked.status == 0 else {
            try? FileManager.default.removeItem(at: dest)
            throw Failure(description: "--base \(revision): could not unpack its rules: \(unpacked.stderr)")
        }
        return dest
    }

    private static func run(_ tool: String, _ args: [String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

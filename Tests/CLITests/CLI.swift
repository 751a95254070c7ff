import Foundation
import XCTest

/// Runs the built `cogpack` executable, as a user or a tool would.
enum CLI {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try XCTUnwrap(object as? [String: Any], "stdout is not a JSON object: \(stdout)")
        }
    }

    /// The executable sits next to the test bundle in the build products folder.
    static var executable: URL {
        var dir = Bundle(for: Marker.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("cogpack").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("cogpack")
    }

    private final class Marker {}

    static func run(_ arguments: [String], in directory: URL = repo, environment: [String: String]? = nil) throws -> Result {
        try exec(executable, arguments, in: directory, environment: environment)
    }

    /// This process's environment with `extra` set: for running cogpack against another engine,
    /// registry login or cache.
    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    }

    /// A shell command line (docker, curl), for checks outside cogpack.
    static func shell(_ command: String) throws -> Result {
        try exec(URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: repo, environment: nil)
    }

    private static func exec(_ tool: URL, _ arguments: [String], in directory: URL, environment: [String: String]?) throws -> Result {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}

extension Data {
    func append(to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(self)
    }
}

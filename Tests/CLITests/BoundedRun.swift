import Foundation
import XCTest

/// Runs the `cogpack` executable with a deadline: a run that does not end in time is killed and
/// reported as a hang, and a run that ends by a signal (a trap is SIGILL or SIGTRAP) is reported
/// as a crash, apart from an exit code.
enum BoundedRun {
    struct Outcome {
        let exitCode: Int32?
        let signal: Int32?
        let timedOut: Bool
        let stdout: String
        let stderr: String

        var output: String { stdout + stderr }

        /// Everything that must never happen, in words; nil when the run ended by itself with
        /// an exit code below 128.
        var breakage: String? {
            if timedOut { return "did not end in time (killed)" }
            if let signal { return "ended by signal \(signal)" }
            if let exitCode, exitCode >= 128 { return "exit \(exitCode)" }
            return nil
        }
    }

    static func run(_ arguments: [String], in directory: URL = CLI.repo, environment: [String: String],
                    timeout: TimeInterval = 20) throws -> Outcome {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        // Both pipes drain on their own threads, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        let o = Drained(), e = Drained()
        DispatchQueue.global().async(group: group) { o.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { e.data = err.fileHandleForReading.readDataToEndOfFile() }
        var timedOut = false
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
        }
        // Output of a killed run may still be held open by a grandchild; do not wait for it forever.
        _ = group.wait(timeout: .now() + 5)
        let signalled = process.terminationReason == .uncaughtSignal
        return Outcome(exitCode: signalled ? nil : process.terminationStatus,
                       signal: signalled ? process.terminationStatus : nil, timedOut: timedOut,
                       stdout: String(decoding: o.data, as: UTF8.self), stderr: String(decoding: e.data, as: UTF8.self))
    }

    /// A pipe's bytes, written by its reader thread and read after the group is done.
    private final class Drained: @unchecked Sendable { var data = Data() }

    /// An environment that keeps runs away from this machine's engine and caches: the engine
    /// address is a socket that does not exist, caches go to `scratch`.
    static func environment(scratch: URL, _ extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                   "HOME": scratch.path, "XDG_CACHE_HOME": scratch.appendingPathComponent("cache").path,
                   "DOCKER_HOST": "unix://\(scratch.path)/no-engine.sock"]
        if let data = ProcessInfo.processInfo.environment["COGPACK_DATA"] { env["COGPACK_DATA"] = data }
        for (k, v) in extra { env[k] = v }
        return env
    }
}

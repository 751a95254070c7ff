import Foundation

/// A `cogpack` run the test acts on while it goes: its standard error is read as it arrives, so
/// that the test can wait for a step to start before it interrupts the build or cuts the engine.
final class RunningBuild {
    private let process = Process()
    private let err = Pipe()
    private var log = Data()

    init(_ arguments: [String]) throws {
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var text: String { String(decoding: log, as: UTF8.self) }

    /// Reads standard error until it holds `marker`, or `timeout` seconds have passed.
    func wait(for marker: String, timeout: TimeInterval = 60) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, !text.contains(marker) {
            log += err.fileHandleForReading.availableData
        }
    }

    func interrupt() { process.interrupt() }

    /// Reads the rest of standard error and waits for the exit; returns the exit status.
    func finish() -> Int32 {
        log += err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

import Foundation

/// The uv binary `cogpack lock` copies into its container (UvContainer), at the release builds
/// install (rules/build-tools.yaml), so that the lock resolves as the build would. `COGPACK_UV`
/// names one; else a `uv` on PATH of that release; else the copy in cogpack's cache folder,
/// installed there on first use from the package index exactly as the build's uv stage installs
/// it (a Python venv, `pip install uv==VERSION`), nothing outside the cache written. It never runs
/// here on a model: only `uv --version`, to know a binary on PATH.
enum HostUv {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func locate(version: String) throws -> URL {
        let env = ProcessInfo.processInfo.environment
        if let given = env["COGPACK_UV"], !given.isEmpty { return URL(fileURLWithPath: given) }
        for dir in (env["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("uv")
            guard FileManager.default.isExecutableFile(atPath: candidate.path) else { continue }
            if let out = try? run(candidate, ["--version"]), out.stdout.split(separator: " ").dropFirst().first == Substring(version) {
                return candidate
            }
        }
        let home = DataRoot.cacheDirectory.appendingPathComponent("uv/\(version)")
        let uv = home.appendingPathComponent("bin/uv")
        if FileManager.default.isExecutableFile(atPath: uv.path) { return uv }
        Console.error("installing uv \(version) into \(home.path) (once)")
        let steps: [(URL, [String])] = [
            (URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "venv", home.path]),
            (home.appendingPathComponent("bin/pip"), ["install", "--disable-pip-version-check", "-q", "uv==\(version)"]),
        ]
        for (tool, arguments) in steps {
            let r = try run(tool, arguments)
            guard r.status == 0 else {
                try? FileManager.default.removeItem(at: home)
                throw LockFailure(message: "cannot install uv \(version) (\(tool.lastPathComponent) \(arguments.joined(separator: " ")) failed: \(r.stderr.suffix(600))); install uv \(version) on PATH or set COGPACK_UV")
            }
        }
        return uv
    }

    static func run(_ tool: URL, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw LockFailure(message: "cannot run \(tool.path): \(error.localizedDescription)")
        }
        // Both pipes drain at once: a full one would block the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

import Foundation

/// The OCI labels Cog derives from the model's version control: `org.opencontainers.image.revision`
/// (`GITHUB_SHA`, else `git rev-parse HEAD`) and `org.opencontainers.image.version`
/// (`GITHUB_REF_NAME`, else `git describe --tags --dirty`). Read by the commands that make an
/// image, not by the planner itself: a plan of the same files stays the same plan whatever the
/// repository around them did since.
public enum VersionControl {
    public static let revisionLabel = "org.opencontainers.image.revision"
    public static let versionLabel = "org.opencontainers.image.version"

    public static func labels(for directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var out: [String: String] = [:]
        let sha = environment["GITHUB_SHA"].flatMap { $0.isEmpty ? nil : $0 }
        let ref = environment["GITHUB_REF_NAME"].flatMap { $0.isEmpty ? nil : $0 }
        if let sha { out[revisionLabel] = sha }
        if let ref { out[versionLabel] = ref }
        if sha != nil && ref != nil { return out }
        // Each git process costs 10 to 30 ms: the configuration is read once for all calls, and
        // one `rev-parse` answers both whether this is a work tree and its HEAD.
        let hardened = hardening(in: directory)
        guard let lines = run(hardened + ["rev-parse", "--is-inside-work-tree", "HEAD"], in: directory, allLines: true)?
            .split(separator: "\n").map(String.init), lines.first == "true" else { return out }
        if sha == nil, lines.count > 1, !lines[1].isEmpty { out[revisionLabel] = lines[1] }
        if ref == nil, let tag = run(hardened + ["describe", "--tags", "--dirty"], in: directory), !tag.isEmpty {
            out[versionLabel] = tag
        }
        return out
    }

    /// git's first line of output, or nil when git is missing, fails, or takes over 3 s.
    ///
    /// The repository is the model's, and a model folder may be hostile: its `.git/config` can
    /// name programs that git runs while it compares the work tree with the index (`describe
    /// --dirty` does): an fsmonitor hook, and the clean filters that `.gitattributes` selects.
    /// Both would run on this machine, outside any build. So every call turns them off.
    static func git(_ arguments: [String], in directory: URL) -> String? {
        run(hardening(in: directory) + arguments, in: directory)
    }

    /// The options that turn off what the repository's configuration would run.
    static func hardening(in directory: URL) -> [String] {
        var hardened = ["-c", "core.fsmonitor=false"]
        for name in filterNames(in: directory) {
            hardened += ["-c", "filter.\(name).clean=", "-c", "filter.\(name).smudge=", "-c", "filter.\(name).process=",
                         "-c", "filter.\(name).required=false"]
        }
        return hardened
    }

    /// The filter drivers the repository's configuration defines (`filter.NAME.clean` and the
    /// like, included files too). Reading configuration runs nothing.
    static func filterNames(in directory: URL) -> [String] {
        guard let text = run(["config", "--null", "--get-regexp", #"^filter\..*\.(clean|smudge|process)$"#], in: directory, allLines: true) else { return [] }
        var names: [String] = []
        for entry in text.split(separator: "\0") {
            // "filter.NAME.KEY\nVALUE"; NAME may hold dots, KEY does not.
            let key = entry.prefix { $0 != "\n" }
            guard key.hasPrefix("filter."), let dot = key.lastIndex(of: ".") else { continue }
            let name = String(key[key.index(key.startIndex, offsetBy: 7)..<dot])
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// git's output (its first line, or all of it), or nil when git is missing, fails, or takes
    /// over 3 s.
    private static func run(_ arguments: [String], in directory: URL, allLines: Bool = false) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        // Woken when git exits, not by polling (a poll every 10 ms added up to 10 ms a call).
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { return nil }
        // The answers read here are a few lines, well within the pipe's buffer, so git never
        // waits for them to be read.
        if exited.wait(timeout: .now() + 3) == .timedOut {
            process.terminate()
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        if allLines { return text }
        return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

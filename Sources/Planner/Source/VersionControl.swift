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
        let inTree = { git(["rev-parse", "--is-inside-work-tree"], in: directory) == "true" }
        if let sha = environment["GITHUB_SHA"], !sha.isEmpty {
            out[revisionLabel] = sha
        } else if inTree(), let head = git(["rev-parse", "HEAD"], in: directory), !head.isEmpty {
            out[revisionLabel] = head
        }
        if let ref = environment["GITHUB_REF_NAME"], !ref.isEmpty {
            out[versionLabel] = ref
        } else if inTree(), let tag = git(["describe", "--tags", "--dirty"], in: directory), !tag.isEmpty {
            out[versionLabel] = tag
        }
        return out
    }

    /// git's first line of output, or nil when git is missing, fails, or takes over 3 s.
    static func git(_ arguments: [String], in directory: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

import Rules

/// The requirements file the app-deps step installs, written from the parsed requirements: index
/// options on lines of their own, then one requirement per line with its hashes, paths rewritten
/// to where the build step has them. Options uv takes only on its command line become flags.
struct GeneratedRequirements {
    private(set) var indexLines: [String] = []
    private var indexURL: String?
    private(set) var requirements: [String] = []
    var constraints: [String] = []
    private(set) var flags: [String] = []
    /// Files of the model the step needs (wheels, sdists, --find-links folders).
    private(set) var localFiles: [String] = []
    /// Source folders and git repositories of the model the step needs.
    private(set) var sourceFolders: [String] = []
    private(set) var needsGit = false
    private var hashed = 0
    private(set) var firstUnhashed: Provenance?

    var allHashed: Bool { hashed > 0 && hashed == requirements.count }
    var someHashed: Bool { hashed > 0 }

    /// Where packages can come from besides the default index: the strategy matters past one.
    var indexSources: Int {
        (indexLines.contains("--no-index") ? 0 : 1) + indexLines.filter { $0 != "--no-index" }.count
    }

    /// The index options and flags as uv's options, one with its value an entry (a lock records them).
    var options: [String] {
        var out = (indexURL.map { ["--index-url \($0)"] } ?? []) + indexLines
        for i in stride(from: 0, to: flags.count - 1, by: 2) { out.append(flags[i] + " " + flags[i + 1]) }
        return out
    }

    var text: String {
        ((indexURL.map { ["--index-url \($0)"] } ?? []) + indexLines + requirements).map { $0 + "\n" }.joined()
    }

    static func line(_ text: String, hashes: [PackageHash]) -> String {
        ([text] + hashes.map(\.option)).joined(separator: " ")
    }

    mutating func add(_ option: PipOption, _ input: BlockInput) throws {
        // The framework stage installs from the torch index the resolver chose; other indexes stay.
        if let url = option.indexURL, url.contains("download.pytorch.org") { return }
        let line: String
        switch option.kind {
        case .indexURL(let u):
            indexURL = u // the last one wins, as in pip
            return
        case .extraIndexURL(let u): line = "--extra-index-url \(u)"
        case .findLinks(.url(let u)): line = "--find-links \(u)"
        case .findLinks(.local(let path)):
            let files = input.source.files.filter { $0.path == path || $0.path.hasPrefix(path + "/") }
            guard !files.isEmpty else {
                throw InputError(option.source, "the --find-links folder \(path) is empty in the build context (or .dockerignore leaves it out)")
            }
            append(&localFiles, path)
            line = "--find-links \(AppDepsBlock.localMountPoint)/\(path)"
        case .noIndex: line = "--no-index"
        case .pre:
            appendFlags(["--prerelease", "allow"])
            return
        case .trustedHost(let host):
            appendFlags(["--allow-insecure-host", host])
            return
        case .noBinary(let s):
            appendFlags(["--no-binary", s.text])
            return
        case .onlyBinary(let s):
            appendFlags(["--only-binary", s.text])
            return
        case .preferBinary, .requireHashes:
            // uv prefers wheels already; hash checking follows the lines' hashes.
            return
        }
        if !indexLines.contains(line) { indexLines.append(line) }
    }

    mutating func add(_ r: Requirement, _ input: BlockInput) throws {
        var text = r.text
        switch r.origin {
        case .file(let path):
            guard input.source.exists(path) else {
                throw InputError(r.source, "\(path) is not in the build context (.dockerignore leaves it out); keep the file or remove the line")
            }
            append(&localFiles, path)
            text = AppDepsBlock.localMountPoint + "/" + path + Self.extrasAndMarker(r)
        case .directory(let path):
            try needFolder(path, r, input)
            text = AppDepsBlock.workspace + "/" + path + Self.extrasAndMarker(r)
        case .localVCS(let path, let suffix):
            try needFolder(path, r, input)
            needsGit = true
            let url = "git+file://" + AppDepsBlock.workspace + "/" + path + suffix
            text = (r.name.map { "\($0) @ \(url)" } ?? url) + (r.marker.map { " ; \($0)" } ?? "")
        case .vcs:
            needsGit = true
        case .index, .url:
            break
        }
        if r.hashes.isEmpty { firstUnhashed = firstUnhashed ?? r.source } else { hashed += 1 }
        requirements.append((r.editable ? "-e " : "") + Self.line(text, hashes: r.hashes))
    }

    private static func extrasAndMarker(_ r: Requirement) -> String {
        (r.extras.isEmpty ? "" : "[\(r.extras.joined(separator: ","))]") + (r.marker.map { " ; \($0)" } ?? "")
    }

    private mutating func needFolder(_ path: String, _ r: Requirement, _ input: BlockInput) throws {
        guard input.source.files.contains(where: { $0.path.hasPrefix(path + "/") }) else {
            throw InputError(r.source, "\(path) has no files in the build context (.dockerignore leaves it out); keep the folder or remove the line")
        }
        append(&sourceFolders, path)
    }

    private mutating func appendFlags(_ f: [String]) {
        // The same option twice is one.
        var i = 0
        while i + 1 < flags.count {
            if flags[i] == f[0], flags[i + 1] == f[1] { return }
            i += 2
        }
        flags += f
    }

    private func append(_ list: inout [String], _ item: String) {
        if !list.contains(item) { list.append(item) }
    }
}

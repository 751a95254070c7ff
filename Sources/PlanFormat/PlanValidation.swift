import Basics
import Foundation

/// What a plan read from a file must hold before the builder uses it. The builder turns modes
/// and owners into fixed-width integers, image names into sources, context names and paths into
/// session requests: every such value is checked here, so that a hand-edited or damaged plan is
/// refused with its file, line and the value to write, never trapped on or sent to BuildKit.
extension Plan {
    /// Permission bits with set-uid, set-gid and sticky: what chmod takes.
    public static let modeRange = 0...0o7777
    /// Generated files travel as FileSync stats, which carry only the permission bits.
    public static let generatedModeRange = 0...0o777

    /// `source` is the file's bytes, when there is one, to name the line of a bad value.
    public func validate(display: String, source: Data? = nil) throws {
        let at = PlanSourceLines(display: display, data: source)
        guard !stages.isEmpty else { throw InputError(at.file, "the plan has no stages; write it again with `cogpack plan --json`") }
        try validatePlatform(at)
        for (name, context) in contexts.sorted(by: { $0.key < $1.key }) { try validate(context: context, named: name, at) }
        var seen = Set<String>()
        for stage in stages {
            try validate(stage: stage, before: seen, at)
            guard seen.insert(stage.id).inserted else {
                throw InputError(at.stage(stage.id), "stage id \(stage.id) appears twice; give each stage its own id")
            }
        }
        try validate(export: export, at)
    }

    private func validatePlatform(_ at: PlanSourceLines) throws {
        for (key, value) in [("os", platform.os), ("arch", platform.arch)] {
            guard PlanText.isName(value, extra: "") else {
                throw InputError(at.at(key, value), "platform \(key) \(PlanText.quote(value)) is not a platform name such as linux/amd64")
            }
        }
    }

    private func validate(context: Context, named name: String, _ at: PlanSourceLines) throws {
        // The name travels in `local://NAME` and in the session's requests.
        guard PlanText.isName(name, extra: "._-") else {
            throw InputError(at.file, "context name \(PlanText.quote(name)) must be letters, digits, '.', '_' and '-'")
        }
        for (path, file) in context.files.sorted(by: { $0.key < $1.key }) {
            if let problem = PlanText.relativePathProblem(path) {
                throw InputError(at.file, "context \(name): generated file \(PlanText.quote(path)) \(problem)")
            }
            guard Self.generatedModeRange.contains(file.mode) else {
                throw InputError(at.at("mode", file.mode), "context \(name): generated file \(path) has mode \(file.mode); write permission bits between 0 and 511 (0o777), such as 420 (0o644)")
            }
        }
    }

    private func validate(stage: Stage, before: Set<String>, _ at: PlanSourceLines) throws {
        let here = at.stage(stage.id)
        guard !stage.id.isEmpty, PlanText.isPrintable(stage.id) else {
            throw InputError(at.file, "stage id \(PlanText.quote(stage.id)) must be printable text, not empty")
        }
        try validate(input: stage.source, in: stage, before: before, at)
        try validate(env: stage.env, in: "stage \(stage.id)", at)
        if let workdir = stage.workdir, !workdir.hasPrefix("/") {
            throw InputError(at.at("workdir", workdir), "stage \(stage.id): workdir \(PlanText.quote(workdir)) must be an absolute path such as /src")
        }
        for (index, op) in stage.operations.enumerated() {
            let what = "stage \(stage.id), operation \(index + 1) (\(op.type))"
            switch op {
            case .exec(let e):
                guard let program = e.argv.first, !program.isEmpty else {
                    throw InputError(here, "\(what): argv must name a program, such as [\"/bin/sh\", \"-c\", \"…\"]")
                }
                try validate(env: e.env, in: what, at)
                for folder in e.writes ?? [] where !folder.hasPrefix("/") || !PlanText.isPrintable(folder) || folder.split(separator: "/").contains("..") {
                    throw InputError(at.at("writes", folder), "\(what): writes \(PlanText.quote(folder)) must be an absolute folder without '..', such as /venv")
                }
                for mount in e.mounts { try validate(mount: mount, in: stage, what: what, before: before, at) }
            case .copy(let c):
                try validate(input: c.from, in: stage, before: before, at)
                guard !c.src.isEmpty, c.src.allSatisfy({ !$0.isEmpty }) else {
                    throw InputError(here, "\(what): src must list paths to copy, such as [\".\"]")
                }
                try validatePath(c.dest, key: "dest", what: what, at)
                if let mode = c.mode { try validate(mode: mode, what: what, at) }
                if let owner = c.owner, Self.owner(owner) == nil {
                    throw InputError(at.at("owner", owner), "\(what): owner \(PlanText.quote(owner)) must be UID:GID in numbers up to \(UInt32.max), such as 1000:1000")
                }
            case .mkfile(let f):
                try validatePath(f.path, key: "path", what: what, at)
                try validate(mode: f.mode, what: what, at)
            case .mkdir(let d):
                try validatePath(d.path, key: "path", what: what, at)
                try validate(mode: d.mode, what: what, at)
            case .rm(let r):
                try validatePath(r.path, key: "path", what: what, at)
            }
        }
    }

    private func validate(input: StageInput, in stage: Stage, before: Set<String>, _ at: PlanSourceLines) throws {
        switch input {
        case .auto, .phase:
            throw InputError(at.stage(stage.id), "stage \(stage.id) has an unresolved input; plans are composed before they are written")
        case .stage(let id) where !before.contains(id):
            throw InputError(at.at("stage", id), "stage \(stage.id) refers to stage \(PlanText.quote(id)), which does not come before it")
        case .context(let name) where contexts[name] == nil:
            throw InputError(at.at("context", name), "stage \(stage.id) refers to context \(PlanText.quote(name)), which the plan does not have")
        case .image(let ref):
            do {
                _ = try ImageReference(parsing: ref)
            } catch let e as ImageReference.Invalid {
                throw InputError(at.at("image", ref), "stage \(stage.id): image \(PlanText.quote(ref)) is not an image reference: \(e.reason); write a name such as python:3.11-slim-bookworm")
            }
        default: break
        }
    }

    private func validate(mount: Mount, in stage: Stage, what: String, before: Set<String>, _ at: PlanSourceLines) throws {
        guard mount.target.hasPrefix("/") else {
            throw InputError(at.at("target", mount.target), "\(what): mount target \(PlanText.quote(mount.target)) must be an absolute path such as /root/.cache")
        }
        switch mount {
        case .input(let from, _, _): try validate(input: from, in: stage, before: before, at)
        case .cache(_, let id, _) where id.isEmpty || !PlanText.isPrintable(id):
            throw InputError(at.stage(stage.id), "\(what): a cache mount needs an id of printable text, such as uv-cache")
        case .secret(let id, _) where id.isEmpty || !PlanText.isPrintable(id):
            throw InputError(at.stage(stage.id), "\(what): a secret mount needs an id of printable text, as cog.yaml names it")
        default: break
        }
    }

    private func validate(env: [String], in what: String, _ at: PlanSourceLines) throws {
        for entry in env {
            let key = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard !key.isEmpty, !key.contains("\0") else {
                throw InputError(at.file, "\(what): env entry \(PlanText.quote(entry)) must be KEY=VALUE with a KEY")
            }
        }
    }

    private func validatePath(_ path: String, key: String, what: String, _ at: PlanSourceLines) throws {
        guard !path.isEmpty, !path.contains("\0") else {
            throw InputError(at.at(key, path), "\(what): \(key) must be a path, such as /src")
        }
    }

    private func validate(mode: Int, what: String, _ at: PlanSourceLines) throws {
        guard Self.modeRange.contains(mode) else {
            throw InputError(at.at("mode", mode), "\(what): mode \(mode) is not permission bits; write a number between 0 and 4095 (0o7777), such as 420 (0o644)")
        }
    }

    private func validate(export: ExportConfig, _ at: PlanSourceLines) throws {
        try validate(env: export.env, in: "export", at)
        for port in export.exposedPorts where !Self.isPort(port) {
            throw InputError(at.file, "export: exposed port \(PlanText.quote(port)) must be PORT/PROTOCOL, such as 5000/tcp")
        }
        guard export.workingDir.hasPrefix("/") else {
            throw InputError(at.at("working_dir", export.workingDir), "export: working_dir \(PlanText.quote(export.workingDir)) must be an absolute path such as /src")
        }
    }

    /// `uid:gid` as two 32-bit numbers, as the builder needs them.
    public static func owner(_ text: String) -> (uid: UInt32, gid: UInt32)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let uid = UInt32(parts[0]), let gid = UInt32(parts[1]) else { return nil }
        return (uid, gid)
    }

    static func isPort(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let number = Int(parts[0]), (1...65535).contains(number), parts[0].allSatisfy(\.isASCII) else { return false }
        return parts.count == 1 || ["tcp", "udp", "sctp"].contains(parts[1])
    }
}

/// Small text checks the plan's validation shares.
enum PlanText {
    static func isPrintable(_ s: String) -> Bool {
        !s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// ASCII letters and digits, plus `extra`; not empty.
    static func isName(_ s: String, extra: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || extra.unicodeScalars.contains($0)) }
    }

    /// Why `path` is not a relative path inside a context, or nil.
    static func relativePathProblem(_ path: String) -> String? {
        if path.isEmpty { return "is empty; write a relative path such as requirements.txt" }
        if !isPrintable(path) { return "holds control characters; write a relative path such as requirements.txt" }
        if path.hasPrefix("/") { return "is absolute; write it relative to the context, such as requirements.txt" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "has an empty, '.' or '..' component; write a plain relative path such as dir/file.txt"
        }
        return nil
    }

    /// A value as an error shows it: quoted, control characters escaped, at most 80 characters.
    static func quote(_ s: String) -> String { LineText.quoted(s, limit: 80) }
}

/// One step of a stage. The JSON of every operation carries `type`, and only the fields of that
/// type, so a plan reads back exactly as it was written.
extension Plan {
public enum Operation: Sendable, Hashable, Codable {
    case exec(Exec)
    case copy(Copy)
    case mkfile(MkFile)
    case mkdir(MkDir)
    case rm(Rm)

    /// Runs a program. `argv` is never split or interpreted: a shell is explicit (`/bin/sh -c`).
    public struct Exec: Sendable, Hashable, Codable {
        public var argv: [String]
        /// `KEY=VALUE`, added to the stage's env for this step only.
        public var env: [String]
        public var workdir: String?
        public var mounts: [Mount]
        /// Steps that download (apt, uv) need the network; all others run without it.
        public var network: Bool
        /// What progress shows for the step.
        public var label: String
        /// The folders the step writes in, when the planner knows them (an install into the
        /// venv writes the venv); nil: anywhere. A build from a lock sets the time of what a step
        /// wrote by walking these folders instead of the whole file system.
        public var writes: [String]?

        public init(_ argv: [String], label: String, env: [String] = [], workdir: String? = nil, mounts: [Mount] = [], network: Bool = false,
                    writes: [String]? = nil) {
            self.argv = argv
            self.env = env
            self.workdir = workdir
            self.mounts = mounts
            self.network = network
            self.label = label
            self.writes = writes
        }

        /// A command line for `/bin/sh -c`, for commands the user wrote as one string.
        public static func shell(_ script: String, label: String, env: [String] = [], mounts: [Mount] = [], network: Bool = false) -> Exec {
            Exec(["/bin/sh", "-c", script], label: label, env: env, mounts: mounts, network: network)
        }
    }

    public struct Copy: Sendable, Hashable, Codable {
        public var from: StageInput
        /// Paths in the source; a directory is copied with its contents.
        public var src: [String]
        public var dest: String
        /// Patterns (`.dockerignore` syntax) left out of a directory copy.
        public var excludes: [String]
        /// `uid:gid`; nil keeps the source's owner.
        public var owner: String?
        /// Octal permission bits applied to what is copied; nil keeps the source's.
        public var mode: Int?

        public init(from: StageInput, src: [String], dest: String, excludes: [String] = [], owner: String? = nil, mode: Int? = nil) {
            self.from = from
            self.src = src
            self.dest = dest
            self.excludes = excludes
            self.owner = owner
            self.mode = mode
        }
    }

    public struct MkFile: Sendable, Hashable, Codable {
        public var path: String
        public var content: String
        public var mode: Int
        public init(path: String, content: String, mode: Int = 0o644) {
            self.path = path
            self.content = content
            self.mode = mode
        }
    }

    public struct MkDir: Sendable, Hashable, Codable {
        public var path: String
        public var mode: Int
        public var parents: Bool
        public init(path: String, mode: Int = 0o755, parents: Bool = true) {
            self.path = path
            self.mode = mode
            self.parents = parents
        }
    }

    public struct Rm: Sendable, Hashable, Codable {
        public var path: String
        public var allowNotFound: Bool
        public init(path: String, allowNotFound: Bool = true) {
            self.path = path
            self.allowNotFound = allowNotFound
        }
        enum CodingKeys: String, CodingKey { case path, allowNotFound = "allow_not_found" }
    }

    public var type: String {
        switch self {
        case .exec: "exec"
        case .copy: "copy"
        case .mkfile: "mkfile"
        case .mkdir: "mkdir"
        case .rm: "rm"
        }
    }

    private enum Key: String, CodingKey { case type }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(type, forKey: .type)
        switch self {
        case .exec(let x): try x.encode(to: encoder)
        case .copy(let x): try x.encode(to: encoder)
        case .mkfile(let x): try x.encode(to: encoder)
        case .mkdir(let x): try x.encode(to: encoder)
        case .rm(let x): try x.encode(to: encoder)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(String.self, forKey: .type) {
        case "exec": self = .exec(try Exec(from: decoder))
        case "copy": self = .copy(try Copy(from: decoder))
        case "mkfile": self = .mkfile(try MkFile(from: decoder))
        case "mkdir": self = .mkdir(try MkDir(from: decoder))
        case "rm": self = .rm(try Rm(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown operation type '\(other)'")
        }
    }
}
}

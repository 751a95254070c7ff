import Foundation

/// The builder's only input: ordered stages of typed operations, the contexts they read, the
/// final image's config, and the resolution that chose every version. Immutable once composed;
/// the same project gives byte-identical JSON (see docs/plan.md).
public struct Plan: Sendable, Hashable, Codable {
    /// Bumped when the JSON changes in a way an older builder would misread.
    public static let currentFormat = "cogpack.plan/2"

    public var format: String
    public var platform: Platform
    public var stages: [Stage]
    public var contexts: [String: Context]
    public var export: ExportConfig
    public var resolution: ResolutionRecord

    public init(format: String, platform: Platform, stages: [Stage], contexts: [String: Context],
                export: ExportConfig, resolution: ResolutionRecord) {
        self.format = format
        self.platform = platform
        self.stages = stages
        self.contexts = contexts
        self.export = export
        self.resolution = resolution
    }

    public struct Platform: Sendable, Hashable, Codable {
        public var os: String
        public var arch: String
        public init(os: String, arch: String) {
            self.os = os
            self.arch = arch
        }
        public static let linuxAMD64 = Platform(os: "linux", arch: "amd64")
    }

    public struct Stage: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var phase: PhaseKey
        /// The block that added the stage.
        public var block: String
        public var source: StageInput
        public var operations: [Operation]
        /// `KEY=VALUE` for every operation of the stage.
        public var env: [String]
        public var workdir: String?
        /// What the stage makes available to later stages (`python`, `venv`, `torch`).
        public var provides: [String]

        public init(id: String, name: String, phase: PhaseKey, block: String, source: StageInput, operations: [Operation],
                    env: [String], workdir: String?, provides: [String]) {
            self.id = id
            self.name = name
            self.phase = phase
            self.block = block
            self.source = source
            self.operations = operations
            self.env = env
            self.workdir = workdir
            self.provides = provides
        }
    }

    /// Files a build reads: the model folder itself, or files cogpack generated.
    public struct Context: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            /// The model folder the plan was made for.
            case project
            /// Files written into the plan itself.
            case generated
        }
        public var kind: Kind
        public var block: String
        public var description: String
        /// For the project: patterns (`.dockerignore` syntax) never sent to the builder.
        public var excludes: [String]
        /// For generated contexts: path → file.
        public var files: [String: GeneratedFile]

        public init(kind: Kind, block: String, description: String, excludes: [String], files: [String: GeneratedFile]) {
            self.kind = kind
            self.block = block
            self.description = description
            self.excludes = excludes
            self.files = files
        }
    }

    public struct GeneratedFile: Sendable, Hashable, Codable {
        public var content: String
        public var mode: Int
        public init(content: String, mode: Int) {
            self.content = content
            self.mode = mode
        }
    }

    public struct ExportConfig: Sendable, Hashable, Codable {
        public var entrypoint: [String]
        public var cmd: [String]
        /// `KEY=VALUE`; `${PATH}` in a value stands for the base image's own PATH.
        public var env: [String]
        public var workingDir: String
        public var user: String?
        public var exposedPorts: [String]
        public var labels: [String: String]
        /// True: the history entries the build adds carry the base image's creation time, not
        /// the time each layer was made, so that two builds of the same lock can give the same
        /// image config (docs/reproducibility.md). Nil (left out of the JSON) otherwise: without
        /// a lock the layers differ anyway, and `docker history` keeps the real times.
        public var fixedHistoryTime: Bool?

        public init(entrypoint: [String], cmd: [String], env: [String], workingDir: String, user: String?,
                    exposedPorts: [String], labels: [String: String], fixedHistoryTime: Bool? = nil) {
            self.entrypoint = entrypoint
            self.cmd = cmd
            self.env = env
            self.workingDir = workingDir
            self.user = user
            self.exposedPorts = exposedPorts
            self.labels = labels
            self.fixedHistoryTime = fixedHistoryTime
        }

        enum CodingKeys: String, CodingKey {
            case entrypoint, cmd, env, user, labels
            case fixedHistoryTime = "fixed_history_time"
            case workingDir = "working_dir"
            case exposedPorts = "exposed_ports"
        }
    }

    /// The resolver's answer, kept so that `cogpack build --plan` and the image label can show
    /// why each version was chosen.
    public struct ResolutionRecord: Sendable, Hashable, Codable {
        public var choices: [String: Choice]
        public var warnings: [String]
        /// The facts of the machine the resolution assumed; nil: none (any catalog image, every index).
        public var facts: BuildFacts?
        public init(choices: [String: Choice], warnings: [String], facts: BuildFacts? = nil) {
            self.choices = choices
            self.warnings = warnings
            self.facts = facts
        }

        public struct Choice: Sendable, Hashable, Codable {
            public var value: String
            public var reasons: [Reason]
            public var alternatives: [String]
            public init(value: String, reasons: [Reason], alternatives: [String]) {
                self.value = value
                self.reasons = reasons
                self.alternatives = alternatives
            }
        }

        public struct Reason: Sendable, Hashable, Codable {
            public var source: String
            public var text: String
            public init(source: String, text: String) {
                self.source = source
                self.text = text
            }
        }
    }

    public func stage(_ id: String) -> Stage? { stages.first { $0.id == id } }
}

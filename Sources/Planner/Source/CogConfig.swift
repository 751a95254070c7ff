import Foundation
import Rules

/// cog.yaml as Cog's schema defines it, every value with the line it was written on.
public struct CogConfig: Sendable {
    public struct Located<T: Sendable>: Sendable {
        public let value: T
        public let source: Provenance
    }

    public struct RunCommand: Sendable {
        public let command: String
        public let secretMounts: [(id: String, target: String)]
        public let source: Provenance
    }

    /// One entry of `weights:` (Cog's managed weights): files that land at `target` in the
    /// running container.
    public struct Weights: Sendable {
        public struct Source: Sendable {
            /// As written: `weights`, `./weights`, `file://./weights`, `hf://org/repo`, `https://…`.
            public let uri: String
            public let include: [String]
            public let exclude: [String]
            public let source: Provenance

            /// The folder or file of the model folder a local source names (`file://./w`,
            /// `./w` and `w` are `w`); nil for a remote one (`hf://`, `https://`).
            public var localPath: String? {
                var path = uri
                if path.hasPrefix("file://") { path = String(path.dropFirst("file://".count)) } else if path.contains("://") { return nil }
                if path.hasPrefix("/") { return path }
                let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
                return parts.isEmpty ? "." : parts.joined(separator: "/")
            }
        }

        public let name: String
        public let target: String
        public let sources: [Source]
        public let source: Provenance
    }

    public var gpu: Located<Bool>?
    public var pythonVersion: Located<String>?
    public var pythonRequirements: Located<String>?
    public var pythonPackages: [Located<String>] = []
    public var systemPackages: Located<[String]>?
    public var run: [RunCommand] = []
    public var preInstall: [RunCommand] = []
    public var cuda: Located<String>?
    public var cudnn: Located<String>?
    public var sdkVersion: Located<String>?
    /// `sdk_version: "prerelease"`: the newest SDK release, pre-releases included; where it is written.
    public var sdkPrerelease: Provenance?
    public static let newestPrerelease = "prerelease"
    public var predict: Located<String>?
    public var train: Located<String>?
    public var image: Located<String>?
    public var concurrencyMax: Located<Int>?
    public var environment: [Located<String>] = []
    public var weights: [Weights] = []
    public var hasBuild = false
    /// What was accepted but read differently than written.
    public var warnings: [InputWarning] = []
    public let file: String

    public init(file: String) { self.file = file }
}

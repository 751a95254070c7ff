import Foundation
import Resolver

/// What one side of `cogpack diff` says about an environment: the resolver's choices, in the
/// order they were made, and the installed packages when a lock fixed them (nil otherwise: an
/// image built without a lock names only its choices, since what uv resolved at build time is
/// not recorded).
public struct EnvironmentRecord: Sendable, Equatable {
    /// `name value`: `python 3.11`, `base_image python:3.11-slim-bookworm`, `cog 0.23.1`.
    public struct Choice: Sendable, Equatable {
        public let name: String
        public let value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public let choices: [Choice]
    /// name → version.
    public let packages: [String: String]?
    /// `sha256:` of the lock, when there was one.
    public let lockDigest: String?

    public init(choices: [Choice], packages: [String: String]?, lockDigest: String?) {
        self.choices = choices
        self.packages = packages
        self.lockDigest = lockDigest
    }

    /// A lock file: the choices of its header (the framework pins joined, as one choice), the uv
    /// release, the platform and the index options it resolved with, and every package.
    public init(lock: LockFile) {
        var choices: [Choice] = []
        for key in LockChoice.keys {
            let values = lock.choices.filter { $0.key == key }.map(\.value)
            if !values.isEmpty { choices.append(Choice(key, values.joined(separator: ", "))) }
        }
        choices.append(Choice("uv", lock.uv))
        choices.append(Choice("platform", lock.platform))
        if !lock.options.isEmpty { choices.append(Choice("options", lock.options.joined(separator: " "))) }
        var packages: [String: String] = [:]
        for p in lock.packages { packages[p.name] = p.pin }
        self.init(choices: choices, packages: packages, lockDigest: lock.digest)
    }

    /// Why an image's labels cannot be read as an environment.
    public enum Unreadable: Error, Sendable, Equatable {
        /// No `dev.cogpack.resolution` label: not an image cogpack built.
        case notCogpack
        /// A label this release does not read (another release wrote it).
        case otherRelease(label: String)
    }

    /// An image's labels: the resolution label's choices (with the Cog SDK of `run.cog.version`
    /// when the resolution has none), the apt packages it chose, and the lock's packages.
    public init(labels: [String: String]) throws(Unreadable) {
        guard let text = labels[ResolutionLabel.key] else { throw .notCogpack }
        guard let label = ResolutionLabel.decode(text) else { throw .otherRelease(label: ResolutionLabel.key) }
        var choices = label.resolution.entries.map { Choice($0.variable.name, $0.value) }
        if !choices.contains(where: { $0.name == "cog" }), let sdk = labels["run.cog.version"] { choices.append(Choice("cog", sdk)) }
        if !label.resolution.apt.packages.isEmpty { choices.append(Choice("apt", label.resolution.apt.packages.joined(separator: " "))) }
        var packages: [String: String]?
        if let list = labels[LockPackagesLabel.key] {
            guard let decoded = LockPackagesLabel.decode(list) else { throw .otherRelease(label: LockPackagesLabel.key) }
            packages = decoded
        }
        self.init(choices: choices, packages: packages, lockDigest: labels[LockFile.label])
    }
}

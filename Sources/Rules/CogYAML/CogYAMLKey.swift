/// One key of cog.yaml as some release of Cog accepted it (`rules/cog-yaml.yaml`): which releases,
/// and what cogpack does with it.
public struct CogYAMLKey: Sendable, Equatable {
    public enum Use: String, Sendable, CaseIterable {
        /// Read, and it shapes the image.
        case applied
        /// No effect on the build; kept in the image's run.cog.config label.
        case label
        /// Accepted with a warning that it has no effect.
        case ignored
        /// It changes Cog's build; cogpack accepts it with a warning that it does not apply it yet.
        case notApplied = "not_applied"
    }

    /// `build.run[].mounts[].id`: `[]` steps into the items of a list.
    public let path: String
    public let since: DottedVersion
    /// The first release that no longer accepts it; nil while the newest does.
    public let until: DottedVersion?
    public let use: Use
    public let message: String
    public let source: Provenance

    public init(path: String, since: DottedVersion, until: DottedVersion?, use: Use, message: String, source: Provenance) {
        self.path = path
        self.since = since
        self.until = until
        self.use = use
        self.message = message
        self.source = source
    }

    /// The path of the mapping that holds it ("" for the top of the file).
    public var parent: String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }

    /// Its name in that mapping.
    public var name: String {
        guard let dot = path.lastIndex(of: ".") else { return path }
        return String(path[path.index(after: dot)...])
    }

    /// "from Cog 0.14.4, dropped in 0.17.0", or "from Cog 0.20.0" while the newest accepts it.
    public var releases: String {
        guard let until else { return "from Cog \(since.text)" }
        return "from Cog \(since.text), dropped in \(until.text)"
    }
}

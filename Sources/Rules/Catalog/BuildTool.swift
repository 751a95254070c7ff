/// A tool a build installs from the package index (uv, the cog SDK), at a version the rules set.
public struct BuildTool: Sendable, Hashable {
    public let id: String
    public let package: String
    public let version: PEP440Version
    public let message: String
    public let source: Provenance

    public init(id: String, package: String, version: PEP440Version, message: String, source: Provenance) {
        self.id = id
        self.package = package
        self.version = version
        self.message = message
        self.source = source
    }
}

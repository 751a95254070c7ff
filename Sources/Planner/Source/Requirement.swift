import Rules

/// One line of a requirements file that asks for a package.
public struct Requirement: Sendable {
    public enum Origin: Sendable, Equatable {
        case index
        /// `pkg @ https://…` or a bare wheel/sdist URL.
        case url(String)
        /// `git+https://…`
        case vcs(String)
        /// A wheel or sdist file in the project.
        case file(String)
    }

    public let name: String
    public let extras: [String]
    public let specifier: PEP440SpecifierSet
    /// The local label of an `==X+label` pin (`cu118`).
    public let local: String?
    public let marker: String?
    public let origin: Origin
    public let editable: Bool
    public let text: String
    public let source: Provenance
}

/// `--index-url`, `--extra-index-url`, `--find-links` and their kin, kept to be hoisted later.
public struct IndexOption: Sendable, Equatable {
    public let option: String
    public let value: String
    public let source: Provenance
}

public struct RequirementsFile: Sendable {
    public var requirements: [Requirement] = []
    public var options: [IndexOption] = []
}

import Rules

/// A value the resolver chose, typed by what its variable is.
public enum ChosenValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case version(PEP440Version)
    case dotted(DottedVersion)
    case image(BaseImage)
    case name(String)

    /// How the value is written in files and output (`2.3.1`, `12.1`, the image reference).
    public var description: String {
        switch self {
        case .version(let v): v.description
        case .dotted(let d): d.text
        case .image(let i): i.reference
        case .name(let n): n
        }
    }
}

/// The chosen value of one variable and why.
public struct Choice: Sendable, Equatable, Codable {
    public let variable: ResolverVariable
    public let value: ChosenValue
    public let reasons: [Reason]
    /// The other values every request and rule allowed, best first.
    public let alternatives: [ChosenValue]
}

/// A package release the resolver chose, with the table row of the chosen variant.
public struct ChosenPackage: Sendable, Equatable, Codable {
    public let name: String
    public let version: PEP440Version
    /// The row of the variant the build installs; nil for a release the tables lack or a package
    /// whose rows do not fit the chosen CUDA (a companion that follows its framework's variant).
    public let row: PackageRow?
    /// For a release the tables lack on a GPU build: the package-index row of the nearest known
    /// release whose CUDA (and GPU extra) the build takes it to have.
    public let assumed: PackageRow?

    public init(name: String, version: PEP440Version, row: PackageRow?, assumed: PackageRow? = nil) {
        self.name = name
        self.version = version
        self.row = row
        self.assumed = assumed
    }
}

/// System packages the image gets, and why each group is there.
public struct AptSelection: Sendable, Equatable, Codable {
    public let packages: [String]
    public let reasons: [Reason]
}

/// What the resolver chose, as typed values, with the explanation kept beside them. Later stages
/// read the values; only renderers read the explanation.
public struct Resolution: Sendable, Codable {
    public let python: DottedVersion
    /// The CUDA runtime the code runs on: the wheels' own, or the toolkit's.
    public let cuda: DottedVersion?
    /// The CUDA toolkit in the image; nil on a base without one.
    public let cudaToolkit: DottedVersion?
    public let cudnn: DottedVersion?
    public let os: String
    public let baseImage: BaseImage
    public let driverMin: DottedVersion?
    /// Tabled packages present in the build, in objective order.
    public let packages: [ChosenPackage]
    public let apt: AptSelection
    /// Every variable that took a value, in objective order, with its reasons.
    public let choices: [Choice]
    public let warnings: [String]

    public var gpu: Bool { cuda != nil }

    public func package(_ name: String) -> ChosenPackage? { packages.first { $0.name == name } }
    public func choice(_ variable: ResolverVariable) -> Choice? { choices.first { $0.variable == variable } }
}

/// A change to one request, as data: the renderer writes it in the words of the file it edits.
public enum RequestEdit: Sendable, Equatable {
    case setGPU(Bool)
    case setPython(DottedVersion)
    case setCUDA(DottedVersion, was: DottedVersion)
    case setCuDNN(DottedVersion)
    /// A requirement pinned to another release; `local` keeps a variant label the user wrote.
    case setPackage(name: String, version: PEP440Version, local: String?, was: PEP440Version?)
    /// The package cannot be present at all.
    case removePackage
    /// A `--driver` or `--gpu` flag dropped from the fleet.
    case dropFleetMember
    /// The request taken out as a whole (a `cuda:` line, an index option, a `-c` line).
    case remove
}

public struct Correction: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        /// The request changed: where it was written and its text.
        public let source: String
        public let request: String
        public let edit: RequestEdit
    }
    public let changes: [Change]
    /// Requests of the conflict the user wrote that stay as they are.
    public let stays: [String]
    /// What the corrected requests resolve to (framework packages, Python, CUDA).
    public let outcome: [(variable: ResolverVariable, value: ChosenValue)]

    public static func == (a: Correction, b: Correction) -> Bool {
        a.changes == b.changes && a.stays == b.stays && a.outcome.map(\.variable) == b.outcome.map(\.variable)
            && a.outcome.map(\.value) == b.outcome.map(\.value)
    }
}

public struct Conflict: Sendable {
    public let core: [Reason]
    public let corrections: [Correction]
}

public enum Outcome: Sendable {
    case resolved(Resolution)
    case conflict(Conflict)
}

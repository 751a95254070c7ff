import Rules

/// One line of a requirements file that asks for a package.
public struct Requirement: Sendable {
    public enum Origin: Sendable, Equatable {
        case index
        /// `pkg @ https://…` or a bare wheel/sdist URL.
        case url(String)
        /// `git+https://…`, as written.
        case vcs(String)
        /// A wheel or sdist file in the project, relative to the model folder.
        case file(String)
        /// A source folder in the project (`./local_pkg`, `file:./local_pkg`), relative to the model folder.
        case directory(String)
        /// `git+file:` of a repository inside the model folder (relative to it), and the `@ref…`
        /// and `#fragment` written after its path, kept to be rewritten to where the build sees it.
        case localVCS(path: String, suffix: String)
    }

    /// The normalized name; nil for a URL, VCS or path requirement that does not say it: pip
    /// learns it only by building the package, so the resolver cannot constrain it.
    public let name: String?
    public let extras: [String]
    public let specifier: PEP440SpecifierSet
    /// The local label of an `==X+label` pin (`cu118`).
    public let local: String?
    public let marker: String?
    public let origin: Origin
    public let editable: Bool
    /// `--hash=` options of the line (pip-compile output): the archive must match one of them.
    public let hashes: [PackageHash]
    /// The requirement as written, without its options.
    public let text: String
    public let source: Provenance

    public init(name: String?, extras: [String] = [], specifier: PEP440SpecifierSet = .any, local: String? = nil,
                marker: String? = nil, origin: Origin = .index, editable: Bool = false, hashes: [PackageHash] = [],
                text: String, source: Provenance) {
        self.name = name
        self.extras = extras
        self.specifier = specifier
        self.local = local
        self.marker = marker
        self.origin = origin
        self.editable = editable
        self.hashes = hashes
        self.text = text
        self.source = source
    }

    func with(hashes: [PackageHash]) -> Requirement {
        Requirement(name: name, extras: extras, specifier: specifier, local: local, marker: marker, origin: origin,
                    editable: editable, hashes: hashes, text: text, source: source)
    }
}

/// `--hash=sha256:<hex>`: an algorithm pip accepts and a digest of its length.
public struct PackageHash: Sendable, Equatable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha256, sha384, sha512
        var hexLength: Int { ["sha256": 64, "sha384": 96, "sha512": 128][rawValue]! }
    }

    public let algorithm: Algorithm
    public let digest: String

    /// nil when `text` (after `--hash=`) is not `algorithm:hexdigest` of a known algorithm.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let a = Algorithm(rawValue: parts[0].lowercased()),
              parts[1].count == a.hexLength, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        algorithm = a
        digest = parts[1].lowercased()
    }

    public var option: String { "--hash=\(algorithm.rawValue):\(digest)" }
}

/// A requirements file with everything it includes: what to install, what only constrains,
/// and the options that apply to the whole install.
public struct RequirementsFile: Sendable {
    public var requirements: [Requirement] = []
    /// The lines of `-c` files: they bound a version when something else brings the package in.
    public var constraints: [Requirement] = []
    public var options: [PipOption] = []
    /// What was accepted but read differently than written (an index option on a requirement line).
    public var warnings: [InputWarning] = []

    public init() {}
}

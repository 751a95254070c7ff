/// One row of a compatibility table: a release of a package (one variant of it, for packages
/// whose wheels are built per CUDA version) and what it needs. Every framework's table is rows of
/// this one shape; the resolver turns all of them into constraints in one loop.
public struct PackageRow: Sendable, Hashable, Codable {
    /// Normalized name (PEP 503).
    public let package: String
    public let version: PEP440Version
    /// The build variant (`cpu`, `cu121`, `cuda12`), for packages that publish several.
    public let variant: String?
    /// The CUDA the wheels are built for; nil for a CPU variant, and for packages whose wheels do
    /// not depend on CUDA (a companion that follows the framework's variant).
    public let cuda: DottedVersion?
    /// The wheels run on any later CUDA minor of the same major (`jax[cuda12]`: NVIDIA's CUDA 12
    /// wheels from `cuda` on), not only on the minor they name.
    public let minorCompatible: Bool
    /// The cuDNN (major) the wheels are built for, when they name one.
    public let cudnn: DottedVersion?
    /// The Python minors with wheels; nil when the table does not say (any).
    public let pythons: [DottedVersion]?
    /// True when the package index serves this variant by default.
    public let onPyPI: Bool
    /// Releases of other packages this one needs (`torchvision 0.18.1` needs `torch==2.3.1`).
    public let requires: [PackageRequirement]
    /// The wheel index of this variant, from the framework's template; nil: the package index.
    public let index: String?
    /// The GPU wheels bring their own CUDA runtime (nvidia-* wheels): the code runs on it, not
    /// on the image's toolkit. From the row (`brings_cuda_runtime`) or its framework's releases.
    public var bringsCUDARuntime: Bool = false
    public let source: Provenance

    public init(package: String, version: PEP440Version, variant: String?, cuda: DottedVersion?, minorCompatible: Bool = false,
                cudnn: DottedVersion?, pythons: [DottedVersion]?, onPyPI: Bool, requires: [PackageRequirement], index: String?,
                source: Provenance) {
        self.package = package
        self.version = version
        self.variant = variant
        self.cuda = cuda
        self.minorCompatible = minorCompatible
        self.cudnn = cudnn
        self.pythons = pythons
        self.onPyPI = onPyPI
        self.requires = requires
        self.index = index
        self.source = source
    }

    /// Whether this variant is the one for a build with CUDA `cuda` (nil: a CPU build).
    public func fits(cuda chosen: DottedVersion?) -> Bool {
        guard let chosen, let cuda else { return chosen == nil && cuda == nil }
        let (c, want) = (chosen.truncated(to: 2), cuda.truncated(to: 2))
        return minorCompatible ? (c.major == want.major && c >= want) : c == want
    }

    /// Where pip finds this row's wheels beyond the package index, if anywhere.
    public var extraIndex: String? { onPyPI ? nil : index }
}

/// A package at versions in a PEP 440 set: what a row requires, or a GPU architecture needs.
public struct PackageRequirement: Sendable, Hashable, Codable, CustomStringConvertible {
    public let package: String
    public let versions: PEP440SpecifierSet

    public init(package: String, versions: PEP440SpecifierSet) {
        self.package = package
        self.versions = versions
    }

    public var description: String { package + versions.description }
}

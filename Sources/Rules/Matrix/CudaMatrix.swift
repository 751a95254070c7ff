import Foundation

/// The compatibility tables of `data/cuda-matrix.json`, typed, each row with its line.
public struct CudaMatrix: Sendable {
    public static let defaultPath = "data/cuda-matrix.json"

    public struct CudaImage: Sendable {
        public let image: String
        public let cuda: DottedVersion
        public let cudnn: DottedVersion?
        public let os: String
        public let flavor: String
        public let source: Provenance
    }

    public struct ToolkitDriver: Sendable {
        public let cuda: DottedVersion
        public let driver: DottedVersion
        public let checked: Bool
        public let source: Provenance
    }

    public struct CompatDriver: Sendable {
        public let cudaMajor: Int
        public let driver: DottedVersion
        public let source: Provenance
    }

    public struct ComputeCapability: Sendable {
        public let arch: String
        public let gpus: String
        /// The releases of packages with kernels for this architecture (`torch>=2.7.0`).
        public let requires: [PackageRequirement]
        public let cudaMin: DottedVersion
        public let checked: Bool
        public let source: Provenance
    }

    public let file: String
    public let pythons: [DottedVersion]
    /// Every release (and variant) of every tabled package, in file order.
    public let packages: [PackageRow]
    public let cudaImages: [CudaImage]
    public let toolkitDrivers: [ToolkitDriver]
    public let compatDrivers: [CompatDriver]
    public let computeCapabilities: [ComputeCapability]

    /// Repository files the data was made from (`rules/frameworks.yaml`) and their SHA-256 then.
    public let inputs: [(path: String, digest: String, source: Provenance)]
    /// The package index the releases below were read from, and where that is said.
    public let index: (url: String, source: Provenance)?
    /// Every release of each tabled package that the package index had, oldest first per package.
    public let indexReleases: [IndexRelease]

    public init(file: String, pythons: [DottedVersion], packages: [PackageRow], cudaImages: [CudaImage],
                toolkitDrivers: [ToolkitDriver], compatDrivers: [CompatDriver], computeCapabilities: [ComputeCapability],
                inputs: [(path: String, digest: String, source: Provenance)] = [],
                index: (url: String, source: Provenance)? = nil, indexReleases: [IndexRelease] = []) {
        self.file = file
        self.inputs = inputs
        self.index = index
        self.indexReleases = indexReleases
        var released: [String: [IndexRelease]] = [:]
        for r in indexReleases { released[r.package, default: []].append(r) }
        releasesByPackage = released
        self.pythons = pythons
        self.packages = packages
        var byName: [String: [PackageRow]] = [:]
        for row in packages { byName[row.package, default: []].append(row) }
        rowsByPackage = byName
        // Every resolution asks for these many times; the tables do not change once loaded.
        var releases: [String: [(version: PEP440Version, rows: [PackageRow])]] = [:]
        for (name, rows) in byName {
            var byVersion: [PEP440Version: [PackageRow]] = [:]
            for row in rows { byVersion[row.version, default: []].append(row) }
            releases[name] = byVersion.keys.sorted().map { ($0, byVersion[$0]!) }
        }
        releasesOfPackage = releases
        var minors = Set<DottedVersion>()
        for r in packages { if let c = r.cuda { minors.insert(c.truncated(to: 2)) } }
        for i in cudaImages { minors.insert(i.cuda.truncated(to: 2)) }
        cudaMinors = minors.sorted()
        self.cudaImages = cudaImages
        self.toolkitDrivers = toolkitDrivers
        self.compatDrivers = compatDrivers
        self.computeCapabilities = computeCapabilities
    }

    private let rowsByPackage: [String: [PackageRow]]
    private let releasesOfPackage: [String: [(version: PEP440Version, rows: [PackageRow])]]
    private let releasesByPackage: [String: [IndexRelease]]

    /// The package index's releases of a package, as recorded; empty when none are.
    public func indexReleases(of package: String) -> [IndexRelease] { releasesByPackage[package] ?? [] }

    /// The packages the tables have rows for, sorted.
    public var packageNames: [String] { rowsByPackage.keys.sorted() }

    public func rows(of package: String) -> [PackageRow] { rowsByPackage[package] ?? [] }

    /// The releases of a package the tables know, oldest first.
    public func versions(of package: String) -> [PEP440Version] { releases(of: package).map(\.version) }

    /// The releases of a package the tables know, oldest first, each with its rows (one per
    /// variant), in file order.
    public func releases(of package: String) -> [(version: PEP440Version, rows: [PackageRow])] { releasesOfPackage[package] ?? [] }

    /// Whether the package's wheels are built per CUDA version: then which CUDA a release uses is
    /// table knowledge, and a release the tables lack is placed on a GPU build only by assuming
    /// the CUDA of a known one (`assumedRows`).
    public func isCUDAVariant(_ package: String) -> Bool { rows(of: package).contains { $0.cuda != nil } }

    /// For a release the tables lack: the GPU rows the package index serves (the default wheel,
    /// which is what a plain `package==version` installs) of the nearest release the tables know
    /// that has such rows: the newest one not newer than `version`, else the oldest newer one.
    /// A GPU build takes the unknown release's CUDA to be theirs. Nil when no release has one.
    public func assumedRows(of package: String, for version: PEP440Version) -> (release: PEP440Version, rows: [PackageRow])? {
        let served = rows(of: package).filter { $0.cuda != nil && $0.extraIndex == nil }
        let releases = Array(Set(served.map(\.version))).sorted()
        guard let nearest = releases.last(where: { $0 <= version }) ?? releases.first else { return nil }
        return (nearest, served.filter { $0.version == nearest })
    }

    /// Every CUDA minor version that some wheel or image in the tables uses, sorted.
    public let cudaMinors: [DottedVersion]

    /// The strict floor: the driver that shipped with this CUDA toolkit.
    public func toolkitDriver(for cuda: DottedVersion) -> ToolkitDriver? {
        toolkitDrivers.first { $0.cuda.truncated(to: 2) == cuda.truncated(to: 2) }
    }

    /// The minor-version-compatibility floor of this CUDA's major version.
    public func compatDriver(for cuda: DottedVersion) -> CompatDriver? {
        compatDrivers.first { $0.cudaMajor == cuda.major }
    }
}

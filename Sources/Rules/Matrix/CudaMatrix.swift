import Foundation

/// The compatibility tables of `data/cuda-matrix.json`, typed, each row with its line.
public struct CudaMatrix: Sendable {
    public static let defaultPath = "data/cuda-matrix.json"

    public struct TorchRow: Sendable {
        public let torch: PEP440Version
        /// `cpu`, `cu118`, `cu121`, …
        public let variant: String
        /// nil for CPU wheels.
        public let cuda: DottedVersion?
        /// The per-variant wheel index.
        public let index: String
        /// True when the wheel on the Python Package Index itself is this variant.
        public let onPyPI: Bool
        public let pythons: [DottedVersion]
        public let source: Provenance
    }

    /// A torchvision or torchaudio release and the torch release it is built against.
    public struct CompanionRow: Sendable {
        public let package: String
        public let version: PEP440Version
        public let torch: PEP440Version
        public let pythons: [DottedVersion]
        public let source: Provenance
    }

    public struct TensorflowRow: Sendable {
        public let tensorflow: PEP440Version
        public let cuda: DottedVersion
        public let cudnn: DottedVersion
        public let pythons: [DottedVersion]
        public let source: Provenance
    }

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
        public let torchMin: PEP440Version
        public let cudaMin: DottedVersion
        public let checked: Bool
        public let source: Provenance
    }

    /// Another package whose releases each require one torch release (xformers).
    public struct TorchPin: Sendable {
        public let package: String
        public let version: PEP440Version
        public let torch: PEP440Version
        public let source: Provenance
    }

    public let file: String
    public let pythons: [DottedVersion]
    public let torch: [TorchRow]
    public let companions: [CompanionRow]
    public let tensorflow: [TensorflowRow]
    public let cudaImages: [CudaImage]
    public let toolkitDrivers: [ToolkitDriver]
    public let compatDrivers: [CompatDriver]
    public let computeCapabilities: [ComputeCapability]
    public let torchPins: [TorchPin]

    public init(file: String, pythons: [DottedVersion], torch: [TorchRow], companions: [CompanionRow],
                tensorflow: [TensorflowRow], cudaImages: [CudaImage], toolkitDrivers: [ToolkitDriver],
                compatDrivers: [CompatDriver], computeCapabilities: [ComputeCapability], torchPins: [TorchPin]) {
        self.file = file
        self.pythons = pythons
        self.torch = torch
        self.companions = companions
        self.tensorflow = tensorflow
        self.cudaImages = cudaImages
        self.toolkitDrivers = toolkitDrivers
        self.compatDrivers = compatDrivers
        self.computeCapabilities = computeCapabilities
        self.torchPins = torchPins
    }

    public var torchVersions: [PEP440Version] { Array(Set(torch.map(\.torch))).sorted() }
    public var tensorflowVersions: [PEP440Version] { Array(Set(tensorflow.map(\.tensorflow))).sorted() }

    public func companionVersions(_ package: String) -> [PEP440Version] {
        Array(Set(companions.filter { $0.package == package }.map(\.version))).sorted()
    }

    /// Every CUDA minor version that some wheel or image in the tables uses.
    public var cudaMinors: [DottedVersion] {
        var all = Set<DottedVersion>()
        for r in torch { if let c = r.cuda { all.insert(c.truncated(to: 2)) } }
        for r in tensorflow { all.insert(r.cuda.truncated(to: 2)) }
        for i in cudaImages { all.insert(i.cuda.truncated(to: 2)) }
        return all.sorted()
    }

    /// The strict floor: the driver that shipped with this CUDA toolkit.
    public func toolkitDriver(for cuda: DottedVersion) -> ToolkitDriver? {
        toolkitDrivers.first { $0.cuda.truncated(to: 2) == cuda.truncated(to: 2) }
    }

    /// The minor-version-compatibility floor of this CUDA's major version.
    public func compatDriver(for cuda: DottedVersion) -> CompatDriver? {
        compatDrivers.first { $0.cudaMajor == cuda.major }
    }
}

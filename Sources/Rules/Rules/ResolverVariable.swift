/// A quantity the resolver chooses: the fixed ones every build has, and one per tabled package
/// (named as the package index names it). Objectives, choices and why-not questions name
/// variables with this type; the text form (`base_image`, `torch`) is only for files and people.
public enum ResolverVariable: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    case python
    /// The CUDA runtime the code runs on: the one the frameworks' wheels are built for (and
    /// bring, as nvidia-* wheels), or the image's toolkit when no wheel brings one.
    case cuda
    /// The CUDA toolkit in the image (the CUDA of an nvidia/cuda base); none on a slim base.
    case cudaToolkit
    case cudnn
    case os
    case baseImage
    case driverMin
    case package(String)

    public static let fixed: [ResolverVariable] = [.python, .cuda, .cudaToolkit, .cudnn, .os, .baseImage, .driverMin]

    /// `base_image` → `.baseImage`; any other name that is not a fixed variable names a package.
    public init(name: String) {
        self = Self.fixed.first { $0.name == name } ?? .package(PackageName.normalize(name))
    }

    public var name: String {
        switch self {
        case .python: "python"
        case .cuda: "cuda"
        case .cudaToolkit: "cuda_toolkit"
        case .cudnn: "cudnn"
        case .os: "os"
        case .baseImage: "base_image"
        case .driverMin: "driver_min"
        case .package(let p): p
        }
    }

    public var description: String { name }

    public var package: String? {
        if case .package(let p) = self { return p }
        return nil
    }

    public static func < (a: ResolverVariable, b: ResolverVariable) -> Bool { a.name < b.name }

    public init(from decoder: Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

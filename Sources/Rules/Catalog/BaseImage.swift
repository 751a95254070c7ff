/// A base image cogpack can build on, and what it brings.
public struct BaseImage: Sendable, Hashable, Codable {
    public let id: String
    public let reference: String
    public let os: String
    /// The Python the image ships as `python3`, or nil when one must be installed.
    public let python: DottedVersion?
    /// The CUDA toolkit in the image, with its patch version.
    public let cuda: DottedVersion?
    public let cudnn: DottedVersion?
    /// `devel` images carry nvcc and headers.
    public let flavor: String?
    public let sizeMB: Int
    /// The image sets NVIDIA_REQUIRE_CUDA (nvidia/cuda images do).
    public let setsRequireCuda: Bool
    public let message: String
    public let source: Provenance

    public init(id: String, reference: String, os: String, python: DottedVersion?, cuda: DottedVersion?, cudnn: DottedVersion?,
                flavor: String?, sizeMB: Int, setsRequireCuda: Bool, message: String, source: Provenance) {
        self.id = id
        self.reference = reference
        self.os = os
        self.python = python
        self.cuda = cuda
        self.cudnn = cudnn
        self.flavor = flavor
        self.sizeMB = sizeMB
        self.setsRequireCuda = setsRequireCuda
        self.message = message
        self.source = source
    }

    public static func == (a: BaseImage, b: BaseImage) -> Bool { a.reference == b.reference }
    public func hash(into h: inout Hasher) { h.combine(reference) }
}

public struct BaseImageCatalog: Sendable {
    public let images: [BaseImage]
    public let pythonInstallMB: Int
    public let source: Provenance

    public init(images: [BaseImage], pythonInstallMB: Int, source: Provenance) {
        self.images = images
        self.pythonInstallMB = pythonInstallMB
        self.source = source
    }

    /// The catalog with images found elsewhere (local images made by `cogpack base`) added.
    public func adding(_ more: [BaseImage]) -> BaseImageCatalog {
        BaseImageCatalog(images: images + more.filter { m in !images.contains(m) }, pythonInstallMB: pythonInstallMB, source: source)
    }
}

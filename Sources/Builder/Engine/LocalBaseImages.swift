import Foundation
import Rules

/// Base images made by `cogpack base`, found in the engine by their labels, and the check of
/// which catalog images a build can use: present in the engine, or pullable from a registry.
public struct LocalBaseImages {
    public static let baseLabel = "dev.cogpack.base"
    public static let osLabel = "dev.cogpack.os"
    public static let pythonLabel = "dev.cogpack.python"
    public static let packagesLabel = "dev.cogpack.packages"

    let engine: EngineAPI
    /// The engine's images, listed once for both questions.
    private let listing: [[String: Any]]

    public init(engine: EngineAPI) async throws {
        self.engine = engine
        listing = try await engine.images()
    }

    /// Catalog entries for the labelled images in the engine.
    public func discover() -> [BaseImage] {
        var out: [BaseImage] = []
        for image in listing {
            let labels = (image["Labels"] as? [String: String]) ?? [:]
            // The base label names the base itself; an image built on it inherits the label but
            // carries another name, and is not a base.
            guard let own = labels[Self.baseLabel] else { continue }
            let size = ((image["Size"] as? NSNumber)?.intValue ?? 0) >> 20
            for tag in (image["RepoTags"] as? [String]) ?? [] where tag == own {
                out.append(BaseImage(
                    id: "local.\(tag)", reference: tag, os: labels[Self.osLabel] ?? "debian12",
                    python: labels[Self.pythonLabel].flatMap(DottedVersion.init), cuda: nil, cudnn: nil, flavor: nil,
                    sizeMB: size, setsRequireCuda: false,
                    message: "made here by `cogpack base` from Debian packages (\(labels[Self.packagesLabel] ?? ""))",
                    source: Provenance(file: "engine image \(tag)", line: nil)))
            }
        }
        return out.sorted { $0.reference < $1.reference }
    }

    /// The catalog images a build can start from. A registry is asked once (with a short
    /// timeout): when it does not answer, only images the engine already has count.
    public func available(in catalog: BaseImageCatalog, probe: String = "python:3.12-slim-bookworm") async -> (images: [String], registry: Bool) {
        let registry = await engine.isPullable(probe)
        if registry { return (catalog.images.map(\.reference), true) }
        let present = Set(listing.flatMap { ($0["RepoTags"] as? [String]) ?? [] }.map(ImageReference.qualified))
        return (catalog.images.map(\.reference).filter { present.contains(ImageReference.qualified($0)) }, false)
    }
}

import Foundation

/// Base images made by `cogpack base`, found in the engine by their labels, and the check of
/// which catalog images a build can use: present in the engine, or pullable from a registry.
/// The command line adds what is found to the catalog.
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

    /// A base image made by `cogpack base`, as its labels describe it.
    public struct Image: Sendable, Hashable {
        public let reference: String
        /// `debian12`.
        public let os: String
        /// The Python the image ships as `python3`, as its label writes it (`3.11`).
        public let python: String?
        /// The Debian packages it was made from, space-separated.
        public let packages: String
        public let sizeMB: Int
    }

    /// The labelled images in the engine.
    public func discover() -> [Image] {
        var out: [Image] = []
        for image in listing {
            let labels = (image["Labels"] as? [String: String]) ?? [:]
            // The base label names the base itself; an image built on it inherits the label but
            // carries another name, and is not a base.
            guard let own = labels[Self.baseLabel] else { continue }
            let size = ((image["Size"] as? NSNumber)?.intValue ?? 0) >> 20
            for tag in (image["RepoTags"] as? [String]) ?? [] where tag == own {
                out.append(Image(reference: tag, os: labels[Self.osLabel] ?? "debian12", python: labels[Self.pythonLabel],
                                 packages: labels[Self.packagesLabel] ?? "", sizeMB: size))
            }
        }
        return out.sorted { $0.reference < $1.reference }
    }

    /// The images of `references` (the catalog's) a build can start from. A registry is asked
    /// once (with a short timeout): when it does not answer, only images the engine already has count.
    public func available(among references: [String], probe: String = "python:3.12-slim-bookworm") async -> (images: [String], registry: Bool) {
        let registry = await engine.isPullable(probe)
        if registry { return (references, true) }
        let present = Set(listing.flatMap { ($0["RepoTags"] as? [String]) ?? [] }.map(ImageReference.qualified))
        return (references.filter { present.contains(ImageReference.qualified($0)) }, false)
    }
}

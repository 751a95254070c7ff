import Builder
import Foundation
import Resolver
import Rules

/// The knowledge base as a build on this engine sees it: the catalog plus the base images
/// `cogpack base` made, and a request that limits the choice to images present or pullable.
enum EngineImages {
    static func restrict(_ kb: KnowledgeBase, address: BuilderAddress) async throws -> (KnowledgeBase, Request) {
        guard case .engine(let endpoint) = address else {
            // A standalone buildkitd pulls what it needs; nothing to look up here.
            return (kb, Request(.availableBaseImages(kb.catalog.images.map(\.reference), offline: false), source: .flag("--builder"), text: "any catalog image", explicit: false))
        }
        let engine = EngineAPI(endpoint: endpoint)
        guard await engine.ping() else {
            throw InputError(.flag("engine"), "the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh` (or `dockerd &`), or set DOCKER_HOST")
        }
        let local = try await LocalBaseImages(engine: engine)
        let catalog = kb.catalog.adding(local.discover().map(BaseImage.init(local:)))
        let (available, registry) = await local.available(among: catalog.images.map(\.reference))
        let what = registry ? "present in the engine or pullable"
            : "present in the engine, with their own Python (no registry answers, so nothing can be downloaded; `cogpack base` makes one)"
        let shown = available.isEmpty ? "none" : available.prefix(4).joined(separator: ", ") + (available.count > 4 ? ", …" : "")
        let request = Request(.availableBaseImages(available, offline: !registry), source: .flag("engine \(endpoint)"),
                              text: "base images \(what): \(shown)", explicit: false)
        return (kb.with(catalog: catalog), request)
    }
}

extension BaseImage {
    /// The catalog entry of a base image `cogpack base` made in the engine.
    init(local image: LocalBaseImages.Image) {
        self.init(id: "local.\(image.reference)", reference: image.reference, os: image.os,
                  python: image.python.flatMap(DottedVersion.init), cuda: nil, cudnn: nil, flavor: nil,
                  sizeMB: image.sizeMB, setsRequireCuda: false,
                  message: "made here by `cogpack base` from Debian packages (\(image.packages))",
                  source: Provenance(file: "engine image \(image.reference)", line: nil))
    }
}

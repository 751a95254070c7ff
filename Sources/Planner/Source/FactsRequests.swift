import Foundation
import Resolver
import Rules

extension BuildFacts {
    /// The knowledge as a build on that machine sees it (the catalog plus the bases made there),
    /// and the requests the facts make: which images can be used, which indexes cannot.
    public func apply(to kb: KnowledgeBase) -> (KnowledgeBase, [Request]) {
        let made = localBases.map { base in
            BaseImage(id: "local.\(base.reference)", reference: base.reference, os: base.os,
                      python: base.python.flatMap(DottedVersion.init), cuda: nil, cudnn: nil, flavor: nil,
                      sizeMB: base.sizeMB, setsRequireCuda: false,
                      message: "made here by `cogpack base` from Debian packages (\(base.packages))",
                      source: Provenance(file: "engine image \(base.reference)", line: nil))
        }
        let catalog = kb.catalog.adding(made)
        let source = Provenance(file: origin, line: nil)
        var requests: [Request] = []
        let usable = usableImages ?? (registry ? nil : made.map(\.reference))
        if let usable {
            let what = registry ? "present in the engine or pullable"
                : "present in the engine, with their own Python (no registry answers, so nothing can be downloaded; `cogpack base` makes one)"
            requests.append(Request(.availableBaseImages(usable, offline: !registry), source: source,
                                    text: "base images \(what): \(Self.shortList(usable))", explicit: false))
        }
        if !unreachableIndexHosts.isEmpty {
            requests.append(Request(.unreachableIndexes(hosts: unreachableIndexHosts), source: source,
                                    text: "wheel indexes on \(unreachableIndexHosts.joined(separator: ", ")) do not answer: only the package index's own wheels can be installed",
                                    explicit: false))
        }
        return (kb.with(catalog: catalog), requests)
    }

    /// Reads facts written by `cogpack facts` (or by hand); `display` names the file in errors.
    public static func decode(_ data: Data, display: String) throws -> BuildFacts {
        do {
            var facts = try JSONDecoder().decode(BuildFacts.self, from: data)
            if facts.origin.isEmpty { facts.origin = "file \(display)" }
            return facts
        } catch {
            throw InputError(Provenance(file: display, line: nil), "not cogpack facts (\(error)); write them with `cogpack facts --json > \(display)`")
        }
    }
}

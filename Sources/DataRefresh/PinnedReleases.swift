import Foundation
import Rules

/// Rows for packages each of whose releases pins one release of another package (xformers pins
/// torch), read from the `Requires-Dist` of each release's wheel metadata.
struct PinnedReleases {
    let package: String
    /// The package whose pin is read (`torch`).
    let pinned: String
    let index: any PackageSource
    let log: @Sendable (String) -> Void

    var source: (String, String) { (package, "Requires-Dist \(pinned)==X of each release's wheel metadata on the package index") }

    func rows() async throws -> [MatrixDocument.Row] {
        let files = try await index.files(of: package)
        var versions = Set<PEP440Version>()
        for f in files { if let w = WheelFilename(f.filename), w.isLinuxX86_64, !w.version.isPrerelease { versions.insert(w.version) } }
        log("\(package): \(versions.count) releases with Linux wheels; reading their \(pinned) pins")
        let (index, pinned) = (self.index, self.pinned)
        let pins = try await withThrowingTaskGroup(of: (PEP440Version, PEP440Version?).self) { group in
            for v in versions {
                group.addTask {
                    guard let meta = try await index.metadata(files, version: v) else { return (v, nil) }
                    let dep = Requirement.all(meta).first { $0.name == pinned && $0.extra == nil }
                    return (v, dep?.versions.exactPin)
                }
            }
            var out: [(PEP440Version, PEP440Version)] = []
            for try await (v, t) in group { if let t { out.append((v, t)) } }
            // Releases whose metadata cannot be had, or that pin no single release, are left out.
            return out.sorted { $0.0 < $1.0 }
        }
        return pins.map { .init(package: package, version: $0.0.description, requires: [(pinned, "==\($0.1)")]) }
    }
}

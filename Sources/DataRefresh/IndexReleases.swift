import Rules

/// Every release of a package that the package index has a wheel of for this platform, with the
/// Pythons those wheels run on. The tables' rows say what a release needs; these say which
/// releases exist, so that the resolver refuses a pin of one that was never published (pip would
/// fail at install) and checks a release the tables lack against its wheels' Pythons.
struct IndexReleases {
    static let source = "the package index (PEP 691 file lists) at the time of the refresh: every release, pre-releases and yanked ones included (an exact pin installs them), with a Linux x86_64 wheel or a pure one; pythons: the CPython tags of those wheels (abi3 ones: that minor and later), or the minors a pure wheel's requires-python admits (null: it names none)"

    let index: PackageSource
    /// The Python minors the data knows: what abi3 and pure wheels are taken to cover.
    let pythons: [DottedVersion]
    var log: @Sendable (String) -> Void = { _ in }

    func rows(of packages: [String]) async throws -> [MatrixDocument.Release] {
        var out: [MatrixDocument.Release] = []
        for package in packages {
            let releases = Self.releases(package: package, files: try await index.files(of: package), pythons: pythons)
            log("\(package): \(releases.count) releases on the package index")
            out += releases
        }
        return out
    }

    static func releases(package: String, files: [PackageIndex.File], pythons known: [DottedVersion]) -> [MatrixDocument.Release] {
        // Per release: the Pythons found so far; `anyPython` once a pure wheel names no bound.
        var found: [PEP440Version: Set<DottedVersion>] = [:]
        var anyPython = Set<PEP440Version>()
        for f in files {
            guard let w = WheelFilename(f.filename), w.version.local.isEmpty, !w.freeThreaded else { continue }
            if w.isLinuxX86_64 {
                var minors = Set(w.cpythons.filter { $0 >= oldestPython })
                if w.abi3, let floor = w.cpythons.min() { minors.formUnion(known.filter { $0 >= floor && $0 >= oldestPython }) }
                found[w.version, default: []].formUnion(minors)
            } else if w.platforms == ["any"] {
                guard let text = f.requiresPython else {
                    anyPython.insert(w.version)
                    found[w.version, default: []].formUnion([])
                    continue
                }
                let admitted = PEP440SpecifierSet(text).map { set in known.filter { CogSDKRows.admits(set, $0) } } ?? known
                found[w.version, default: []].formUnion(admitted)
            }
        }
        return found.keys.sorted().map { version in
            MatrixDocument.Release(package: package, version: version.description,
                                   pythons: anyPython.contains(version) ? nil : found[version]!.sorted().map(\.text))
        }
    }
}

import Foundation
import Rules

/// The rows of a pure-Python package read from the package index alone, whose compiled part is
/// another package (`compiled`) and whose `cudaN` extras bring a CUDA plugin and NVIDIA's
/// libraries (JAX: jax, jaxlib, `jax[cuda12]` → `jax-cuda12-plugin`; `rules/sources.yaml`).
///
/// A `cpu` row per release: the Pythons are those the compiled package has Linux x86_64 wheels
/// for, within the package's Requires-Python. A GPU row per `cudaN` extra, which brings the
/// plugin from the package index: its Pythons are the plugin's wheels' (and the compiled
/// package's), its CUDA the floor of the `nvidia-cuda-runtime` requirement (and, being NVIDIA's
/// pip wheels, any later minor of that major: `minor_compatible`), its cuDNN the major of the
/// `nvidia-cudnn` floor. Older `cuda12_pip`-style extras installed builds from another host, not
/// from the package index, so releases that only have those get no GPU row.
struct IndexExtrasRows {
    let package: String
    let compiled: String
    /// The first release read: earlier ones may be sdists only, whose metadata is not served.
    let first: PEP440Version
    /// When no NVIDIA runtime requirement names a floor: the oldest CUDA minor of each major.
    let defaultCUDA: [Int: String]
    let index: any PackageSource
    let log: @Sendable (String) -> Void

    func rows() async throws -> [MatrixDocument.Row] {
        log("reading the package index for \(package) and \(compiled)")
        async let packageFiles = index.files(of: package)
        async let compiledFiles = index.files(of: compiled)
        let (releases, compiledReleases) = try await (packageFiles, compiledFiles)
        let versions = index.releases(releases).filter { $0 >= first }
        log("\(package): \(versions.count) releases from \(first); reading their metadata")
        let index = self.index
        let metadata = try await withThrowingTaskGroup(of: (PEP440Version, String?).self) { group in
            for v in versions { group.addTask { (v, try await index.metadata(releases, version: v)) } }
            var out: [PEP440Version: String] = [:]
            for try await (v, m) in group { if let m { out[v] = m } }
            return out
        }

        // The plugins the GPU extras name, read once each.
        var pluginFiles: [String: [PackageIndex.File]] = [:]
        for meta in metadata.values {
            for r in Requirement.all(meta) where r.extra.map(Self.cudaMajor) != nil && r.name.hasSuffix("-plugin") {
                pluginFiles[r.name] = []
            }
        }
        for name in pluginFiles.keys.sorted() { pluginFiles[name] = try await index.files(of: name) }

        var rows: [MatrixDocument.Row] = []
        for v in versions {
            guard let meta = metadata[v] else {
                log("warning: \(package) \(v): its wheel metadata cannot be had; left out")
                continue
            }
            let release = try await self.release(v, metadata: meta, compiled: compiledReleases, plugins: pluginFiles)
            rows += release
        }
        return rows
    }

    /// The rows of one release, from its METADATA and the file lists of the compiled package and the plugins.
    func release(_ v: PEP440Version, metadata meta: String, compiled compiledFiles: [PackageIndex.File],
                 plugins: [String: [PackageIndex.File]]) async throws -> [MatrixDocument.Row] {
        let requirements = Requirement.all(meta)
        let requiresPython = requiresPython(meta) ?? .any
        func within(_ pythons: [DottedVersion]) -> [DottedVersion] {
            pythons.filter { requiresPython.contains(PEP440Version(release: [$0.major, $0.minor])) }
        }

        // The compiled package: required outright (jaxlib from jax 0.4.31 on), or through the `cpu`
        // extra (before). The same release if neither says.
        let compiledSpec = (requirements.first { $0.name == compiled && $0.extra == nil }
            ?? requirements.first { $0.name == compiled && $0.extra == "cpu" })?.versions ?? PEP440SpecifierSet("==\(v)")!
        var cpuPythons = Set<DottedVersion>()
        for lib in index.releases(compiledFiles) where compiledSpec.contains(lib) {
            cpuPythons.formUnion(index.pythons(of: compiledFiles, version: lib))
        }
        let cpu = within(cpuPythons.sorted())
        guard !cpu.isEmpty else {
            log("warning: \(package) \(v): no Linux x86_64 wheels of \(compiled) \(compiledSpec); left out")
            return []
        }
        var rows = [MatrixDocument.Row(package: package, version: v.description, variant: "cpu", cuda: nil, pypi: true,
                                       pythons: cpu.map(\.text))]

        let extras = Set(providesExtras(meta).map(PackageName.normalize))
        for (extra, major) in extras.compactMap({ e in Self.cudaMajor(e).map { (e, $0) } }).sorted(by: { $0.1 < $1.1 }) {
            let inExtra = requirements.filter { $0.extra == extra }
            guard let pluginRequirement = inExtra.first(where: { $0.name.hasSuffix("-plugin") }),
                  let files = plugins[pluginRequirement.name] else {
                log("warning: \(package) \(v)[\(extra)] names no CUDA plugin; no \(extra) row")
                continue
            }
            guard let plugin = index.releases(files).last(where: pluginRequirement.versions.contains) else {
                log("warning: \(package) \(v)[\(extra)]: no wheels of \(pluginRequirement.name) \(pluginRequirement.versions); no \(extra) row")
                continue
            }
            let pythons = within(index.pythons(of: files, version: plugin)).filter(cpu.contains)
            guard !pythons.isEmpty else {
                log("warning: \(package) \(v)[\(extra)]: \(pluginRequirement.name) \(plugin) has no Linux x86_64 wheels for its Pythons; no \(extra) row")
                continue
            }
            // NVIDIA's libraries: in the package's extra itself (jax 0.4.2x), else in the plugin's extras it asks for.
            var nvidia = inExtra
            if !nvidia.contains(where: { Self.floor(of: $0, library: "nvidia-cuda-runtime", major: major) != nil }),
               let pluginMeta = try await index.metadata(files, version: plugin) {
                nvidia = Requirement.all(pluginMeta).filter { $0.extra == nil || pluginRequirement.extras.contains($0.extra!) }
            }
            let runtime = nvidia.lazy.compactMap { Self.floor(of: $0, library: "nvidia-cuda-runtime", major: major) }.first
            let cudnn = nvidia.lazy.compactMap { Self.floor(of: $0, library: "nvidia-cudnn", major: nil) }.first
            guard let cuda = runtime.map({ $0.truncated(to: 2).text }) ?? defaultCUDA[major] else {
                log("warning: \(package) \(v)[\(extra)]: no CUDA runtime floor and no default for CUDA \(major); no \(extra) row")
                continue
            }
            if runtime == nil { log("note: \(package) \(v)[\(extra)]: no nvidia-cuda-runtime floor; CUDA \(cuda) assumed") }
            rows.append(.init(package: package, version: v.description, variant: extra, cuda: cuda,
                              minorCompatible: true, cudnn: cudnn.map { String($0.major) }, pypi: true, pythons: pythons.map(\.text)))
        }
        return rows
    }

    /// `cuda12` → 12; the `-local`, `_pip` and other extras are not GPU rows of their own.
    static func cudaMajor(_ extra: String) -> Int? {
        guard extra.hasPrefix("cuda"), let n = Int(extra.dropFirst(4)) else { return nil }
        return n
    }

    /// The `>=` floor of an NVIDIA library requirement: `nvidia-cuda-runtime-cu12>=12.1.105` (or,
    /// from CUDA 13, `nvidia-cuda-runtime>=13.0.48`) → 12.1.105. With a major, the floor must be of it.
    static func floor(of r: Requirement, library: String, major: Int?) -> DottedVersion? {
        guard r.name == library || (r.name.hasPrefix(library + "-cu") && Int(r.name.dropFirst(library.count + 3)) != nil) else { return nil }
        guard let clause = r.versions.clauses.first(where: { $0.op == .greaterEqual || $0.op == .compatible }),
              let floor = clause.version.flatMap({ DottedVersion($0.release.map(String.init).joined(separator: ".")) }) else { return nil }
        if let major, floor.major != major { return nil }
        return floor
    }
}

import Foundation
import Rules

/// JAX's rows, read from the package index alone (Cog has no JAX table).
///
/// jax is pure Python; its compiled part is jaxlib, which jax requires (the same release, for all
/// but a few). A `cpu` row per release: the Pythons are those jaxlib has Linux x86_64 wheels for,
/// within jax's Requires-Python. A GPU row per `cudaN` extra of jax (`jax[cuda12]`, `jax[cuda13]`),
/// which brings the CUDA plugin (`jax-cuda12-plugin`) and NVIDIA's libraries from the package
/// index: its Pythons are the plugin's wheels' (and jaxlib's), its CUDA the floor of the
/// `nvidia-cuda-runtime` requirement (and, being NVIDIA's pip wheels, any later minor of that
/// major: `minor_compatible`), its cuDNN the major of the `nvidia-cudnn` floor. The older
/// `cuda12_pip`-style extras installed jaxlib builds from Google's own bucket, not from the package
/// index, so releases that only have those get no GPU row.
struct JAXReleases {
    let index: any PackageSource
    let log: @Sendable (String) -> Void

    /// jax 0.4.16 is the first release published as a wheel since 0.1.x: before it there is only
    /// an sdist, whose metadata (extras, the jaxlib requirement) the index does not serve.
    static let floor = PEP440Version("0.4.16")!

    /// When no NVIDIA runtime requirement names a floor: the oldest CUDA minor JAX built its wheels
    /// for, per major.
    static let defaultCUDA: [Int: String] = [12: "12.1", 13: "13.0"]

    static let source: (String, String) = ("jax", """
        the package index: releases from 0.4.16 (the first published as a wheel, so the first whose metadata is served); \
        cpu rows: the Pythons of the jaxlib that jax requires, within jax's Requires-Python; \
        cuda12/cuda13 rows: releases whose metadata has that extra, with the Pythons of its jax-cudaN-plugin's wheels, \
        the CUDA of the floor of the plugin's nvidia-cuda-runtime requirement (12.1/13.0 when none names one; \
        minor_compatible: NVIDIA's pip wheels of any later minor of that major do) and the major of its nvidia-cudnn floor
        """)

    func rows() async throws -> [MatrixDocument.Row] {
        log("reading the package index for jax and jaxlib")
        async let jaxFiles = index.files(of: "jax")
        async let jaxlibFiles = index.files(of: "jaxlib")
        let (jax, jaxlib) = try await (jaxFiles, jaxlibFiles)
        let versions = index.releases(jax).filter { $0 >= Self.floor }
        log("jax: \(versions.count) releases from \(Self.floor); reading their metadata")
        let index = self.index
        let metadata = try await withThrowingTaskGroup(of: (PEP440Version, String?).self) { group in
            for v in versions { group.addTask { (v, try await index.metadata(jax, version: v)) } }
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
                log("warning: jax \(v): its wheel metadata cannot be had; left out")
                continue
            }
            let release = try await self.release(v, metadata: meta, jaxlib: jaxlib, plugins: pluginFiles)
            rows += release
        }
        return rows
    }

    /// The rows of one jax release, from its METADATA and the file lists of jaxlib and the plugins.
    func release(_ v: PEP440Version, metadata meta: String, jaxlib: [PackageIndex.File],
                 plugins: [String: [PackageIndex.File]]) async throws -> [MatrixDocument.Row] {
        let requirements = Requirement.all(meta)
        let requiresPython = requiresPython(meta) ?? .any
        func within(_ pythons: [DottedVersion]) -> [DottedVersion] {
            pythons.filter { requiresPython.contains(PEP440Version(release: [$0.major, $0.minor])) }
        }

        // jaxlib: always required from 0.4.31 on; before, through the `cpu` extra. Same release if none says.
        let jaxlibSpec = (requirements.first { $0.name == "jaxlib" && $0.extra == nil }
            ?? requirements.first { $0.name == "jaxlib" && $0.extra == "cpu" })?.versions ?? PEP440SpecifierSet("==\(v)")!
        var cpuPythons = Set<DottedVersion>()
        for lib in index.releases(jaxlib) where jaxlibSpec.contains(lib) {
            cpuPythons.formUnion(index.pythons(of: jaxlib, version: lib))
        }
        let cpu = within(cpuPythons.sorted())
        guard !cpu.isEmpty else {
            log("warning: jax \(v): no Linux x86_64 wheels of jaxlib \(jaxlibSpec); left out")
            return []
        }
        var rows = [MatrixDocument.Row(package: "jax", version: v.description, variant: "cpu", cuda: nil, pypi: true,
                                       pythons: cpu.map(\.text))]

        let extras = Set(providesExtras(meta).map(PackageName.normalize))
        for (extra, major) in extras.compactMap({ e in Self.cudaMajor(e).map { (e, $0) } }).sorted(by: { $0.1 < $1.1 }) {
            let inExtra = requirements.filter { $0.extra == extra }
            guard let pluginRequirement = inExtra.first(where: { $0.name.hasSuffix("-plugin") }),
                  let files = plugins[pluginRequirement.name] else {
                log("warning: jax \(v)[\(extra)] names no CUDA plugin; no \(extra) row")
                continue
            }
            guard let plugin = index.releases(files).last(where: pluginRequirement.versions.contains) else {
                log("warning: jax \(v)[\(extra)]: no wheels of \(pluginRequirement.name) \(pluginRequirement.versions); no \(extra) row")
                continue
            }
            let pythons = within(index.pythons(of: files, version: plugin)).filter(cpu.contains)
            guard !pythons.isEmpty else {
                log("warning: jax \(v)[\(extra)]: \(pluginRequirement.name) \(plugin) has no Linux x86_64 wheels for its Pythons; no \(extra) row")
                continue
            }
            // NVIDIA's libraries: in jax's extra itself (0.4.2x), else in the plugin's extras it asks for.
            var nvidia = inExtra
            if !nvidia.contains(where: { Self.floor(of: $0, library: "nvidia-cuda-runtime", major: major) != nil }),
               let pluginMeta = try await index.metadata(files, version: plugin) {
                nvidia = Requirement.all(pluginMeta).filter { $0.extra == nil || pluginRequirement.extras.contains($0.extra!) }
            }
            let runtime = nvidia.lazy.compactMap { Self.floor(of: $0, library: "nvidia-cuda-runtime", major: major) }.first
            let cudnn = nvidia.lazy.compactMap { Self.floor(of: $0, library: "nvidia-cudnn", major: nil) }.first
            guard let cuda = runtime.map({ $0.truncated(to: 2).text }) ?? Self.defaultCUDA[major] else {
                log("warning: jax \(v)[\(extra)]: no CUDA runtime floor and no default for CUDA \(major); no \(extra) row")
                continue
            }
            if runtime == nil { log("note: jax \(v)[\(extra)]: no nvidia-cuda-runtime floor; CUDA \(cuda) assumed") }
            rows.append(.init(package: "jax", version: v.description, variant: extra, cuda: cuda,
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

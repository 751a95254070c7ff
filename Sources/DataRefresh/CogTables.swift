import Foundation
import Rules

/// Cog's compatibility tables, read as they are published (see shared/reference/cog-data/SOURCES.md).
struct CogTables {
    struct TorchRow: Decodable {
        let Torch: String
        let Torchvision: String
        let Torchaudio: String
        let FindLinks: String?
        let ExtraIndexURL: String
        let CUDA: String?

        /// A row with no variant label and no wheel index of its own (`1.8.0`, CUDA 10.2): the
        /// build the package index serves.
        var isPackageIndexBuild: Bool {
            PEP440Version(Torch)?.local.isEmpty == true && ExtraIndexURL.isEmpty && (FindLinks ?? "").isEmpty
        }
    }

    struct TensorflowRow: Decodable {
        let TF: String
        let CUDA: String
        let CuDNN: String
    }

    struct CudaImageRow: Decodable {
        let Tag: String
        let CUDA: String
        let CuDNN: String?
        let IsDevel: Bool
        let Ubuntu: String
    }

    /// The torch table, and for the releases it no longer lists (before 1.11) the rows of its
    /// older version, `torch_compatibility_matrix.json`, where Cog's table listed them.
    let torch: [TorchRow]
    let tensorflow: [TensorflowRow]
    let cudaImages: [CudaImageRow]

    static let olderTorchTable = "cogpack-branch/torch_compatibility_matrix.json"

    init(directory: URL) throws {
        func read<T: Decodable>(_ name: String) throws -> T {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw PackageIndex.Failure(description: "\(name): not found in the reference folder")
            }
            return try JSONDecoder().decode(T.self, from: data)
        }
        let current: [TorchRow] = try read("torch_compatibility.json")
        var older: [TorchRow] = []
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.olderTorchTable).path) {
            older = try read(Self.olderTorchTable)
        }
        torch = Self.merge(current: current, older: older)
        tensorflow = try read("tf_compatibility.json")
        cudaImages = try read("cuda_compatibility.json")
    }

    init(torch: [TorchRow], tensorflow: [TensorflowRow], cudaImages: [CudaImageRow]) {
        (self.torch, self.tensorflow, self.cudaImages) = (torch, tensorflow, cudaImages)
    }

    /// The current table's rows, then the older table's rows of releases the current one lacks:
    /// the current table is the newer word on every release it lists.
    static func merge(current: [TorchRow], older: [TorchRow]) -> [TorchRow] {
        let listed = Set(current.compactMap { PEP440Version($0.Torch)?.public_ })
        return current + older.filter { PEP440Version($0.Torch).map { !listed.contains($0.public_) } ?? false }
    }
}

/// The rows of the packages whose releases Cog's tables list: torch with its CUDA variants and its
/// companions torchvision and torchaudio, and TensorFlow with its CUDA and cuDNN. The package index
/// adds what the tables leave out: each release's Pythons, and the CUDA of the default torch wheel
/// (the variant the package index serves).
struct CogTableRows {
    let cog: CogTables
    let index: any PackageSource
    let log: @Sendable (String) -> Void

    static let sources: [(String, String)] = [
        ("torch", "pairings and CUDA variants: Cog pkg/config/torch_compatibility.json, and for the releases before 1.11 it no longer lists, its older version pkg/config/torch_compatibility_matrix.json; pythons and the default wheel's CUDA: the package index (PEP 691 file lists, PEP 658 metadata or the wheel's own METADATA), or for wheels whose metadata names no CUDA runtime, the table's row without a variant index"),
        ("torchvision, torchaudio", "the torch release each is built for: Cog pkg/config/torch_compatibility.json and its older version; pythons: the package index"),
        ("tensorflow", "releases and pythons: the package index, every final release of a minor that Cog pkg/config/tf_compatibility.json lists; CUDA and cuDNN: that minor's row (a patch release keeps its minor's CUDA and cuDNN)"),
    ]

    func rows() async throws -> [MatrixDocument.Row] {
        log("reading the package index for torch, torchvision, torchaudio, tensorflow")
        async let torchFiles = index.files(of: "torch")
        async let visionFiles = index.files(of: "torchvision")
        async let audioFiles = index.files(of: "torchaudio")
        async let tfFiles = index.files(of: "tensorflow")
        let (tf, tv, ta, tff) = try await (torchFiles, visionFiles, audioFiles, tfFiles)
        var rows = try await torch(files: tf)
        rows += try companions(vision: tv, audio: ta)
        rows += tensorflow(files: tff)
        return rows
    }

    func images() -> [MatrixDocument.Image] {
        cog.cudaImages.map {
            .init(image: "nvidia/cuda:\($0.Tag)", cuda: $0.CUDA, cudnn: $0.CuDNN, os: "ubuntu\($0.Ubuntu)",
                  flavor: $0.IsDevel ? "devel" : "runtime")
        }
    }

    private func torch(files: [PackageIndex.File]) async throws -> [MatrixDocument.Row] {
        var byVersion: [PEP440Version: [CogTables.TorchRow]] = [:]
        for row in cog.torch {
            guard let v = PEP440Version(row.Torch) else { throw PackageIndex.Failure(description: "torch table: bad version \(row.Torch)") }
            byVersion[v.public_, default: []].append(row)
        }
        let versions = byVersion.keys.sorted()
        log("torch: \(versions.count) releases; reading default-wheel metadata")
        let index = self.index
        let defaults = try await withThrowingTaskGroup(of: (PEP440Version, DottedVersion?).self) { group in
            for v in versions {
                group.addTask {
                    guard let meta = try await index.metadata(files, version: v) else { return (v, nil) }
                    return (v, Self.defaultCUDA(metadata: meta))
                }
            }
            var out: [PEP440Version: DottedVersion] = [:]
            for try await (v, c) in group { if let c { out[v] = c } }
            return out
        }

        var out: [MatrixDocument.Row] = []
        for v in versions {
            let py = index.pythons(of: files, version: v)
            guard !py.isEmpty else {
                throw PackageIndex.Failure(description: "torch \(v): no Linux x86_64 wheels on the package index")
            }
            // The wheel's metadata names its CUDA runtime from 1.13 on; before, the table's row
            // without a variant index says which CUDA the package index's build has.
            let tableDefault = byVersion[v]!.first(where: \.isPackageIndexBuild)?.CUDA.flatMap(DottedVersion.init)?.truncated(to: 2)
            if let d = defaults[v], let t = tableDefault, d != t {
                log("warning: torch \(v): the wheel metadata names CUDA \(d.text), the table \(t.text); the metadata is kept")
            }
            let pypiCUDA = defaults[v] ?? tableDefault
            if pypiCUDA == nil { log("warning: torch \(v): neither its wheel metadata nor the table names the default wheel's CUDA; no variant is marked as the package index's") }
            var cudas = byVersion[v]!.map { $0.CUDA.flatMap(DottedVersion.init)?.truncated(to: 2) }
            if let d = pypiCUDA, !cudas.contains(d) { cudas.append(d) }
            let none = DottedVersion(parts: [0])
            for cuda in Set(cudas).sorted(by: { ($0 ?? none) < ($1 ?? none) }) {
                out.append(.init(package: "torch", version: v.description, variant: cuda.map { "cu\($0.major)\($0.minor)" } ?? "cpu",
                                 cuda: cuda?.text, pypi: cuda != nil && cuda == pypiCUDA, pythons: py.map(\.text)))
            }
        }
        let tabled = Set(versions)
        let untabled = index.releases(files).filter { !tabled.contains($0) }
        if !untabled.isEmpty {
            log("torch: on the package index but in no Cog table, so without rows (their CUDA variants are unknown): \(untabled.map(\.description).joined(separator: ", "))")
        }
        return out
    }

    /// The CUDA the default wheel's runtime requirement pins: `nvidia-cuda-runtime-cu12==12.1.105`,
    /// or from 2.11 `cuda-toolkit[cudart,...]==13.0.2` → 13.0.
    static func defaultCUDA(metadata: String) -> DottedVersion? {
        let runtime = Requirement.all(metadata).first {
            $0.extra == nil && ($0.name.hasPrefix("nvidia-cuda-runtime") || ($0.name == "cuda-toolkit" && $0.extras.contains("cudart")))
        }
        guard let pin = runtime?.versions.exactPin else { return nil }
        return DottedVersion(pin.release.map(String.init).joined(separator: "."))?.truncated(to: 2)
    }

    private func companions(vision: [PackageIndex.File], audio: [PackageIndex.File]) throws -> [MatrixDocument.Row] {
        var out: [MatrixDocument.Row] = []
        for (package, files, pick) in [("torchvision", vision, { (r: CogTables.TorchRow) in r.Torchvision }),
                                        ("torchaudio", audio, { (r: CogTables.TorchRow) in r.Torchaudio })] {
            var pairs: [PEP440Version: PEP440Version] = [:]
            for row in cog.torch {
                guard let c = PEP440Version(pick(row))?.public_, let t = PEP440Version(row.Torch)?.public_ else { continue }
                if let existing = pairs[c], existing != t {
                    throw PackageIndex.Failure(description: "\(package) \(c) is paired with both torch \(existing) and \(t)")
                }
                pairs[c] = t
            }
            for (c, t) in pairs.sorted(by: { $0.key < $1.key }) {
                let py = index.pythons(of: files, version: c)
                guard !py.isEmpty else {
                    log("warning: \(package) \(c) has no Linux x86_64 wheels on the index; left out")
                    continue
                }
                out.append(.init(package: package, version: c.description, requires: [("torch", "==\(t)")], pythons: py.map(\.text)))
            }
        }
        return out
    }

    /// Every final release on the package index of a minor that Cog's table lists, with that
    /// minor's CUDA and cuDNN: the table lists one release a minor (2.16.1, 2.11.0), and patch
    /// releases keep their minor's build toolchain.
    private func tensorflow(files: [PackageIndex.File]) -> [MatrixDocument.Row] {
        var byMinor: [[Int]: (PEP440Version, CogTables.TensorflowRow)] = [:]
        for row in cog.tensorflow {
            guard let v = PEP440Version(row.TF), DottedVersion(row.CUDA) != nil, DottedVersion(row.CuDNN) != nil else {
                log("warning: tf table: unreadable row \(row.TF); left out")
                continue
            }
            let minor = Array(v.release.prefix(2))
            if let seen = byMinor[minor], seen.1.CUDA != row.CUDA || seen.1.CuDNN != row.CuDNN {
                log("warning: tf table: \(seen.0) and \(v) differ in CUDA or cuDNN; \(max(seen.0, v)) is kept for the minor")
                if seen.0 > v { continue }
            }
            byMinor[minor] = (v, row)
        }
        var out: [MatrixDocument.Row] = []
        for v in index.releases(files) {
            guard let (_, row) = byMinor[Array(v.release.prefix(2))] else { continue }
            let py = index.pythons(of: files, version: v)
            guard !py.isEmpty else {
                log("warning: tensorflow \(v) has no Linux x86_64 wheels; left out")
                continue
            }
            out.append(.init(package: "tensorflow", version: v.description, cuda: DottedVersion(row.CUDA)!.truncated(to: 2).text,
                             cudnn: DottedVersion(row.CuDNN)!.text, pythons: py.map(\.text)))
        }
        for (minor, (v, _)) in byMinor where !out.contains(where: { $0.version == v.description }) {
            log("warning: tensorflow \(v) (the table's \(minor.map(String.init).joined(separator: ".")) row) has no Linux x86_64 wheels on the index")
        }
        return out
    }
}

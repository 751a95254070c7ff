import Foundation
import Rules

/// Cog's compatibility tables, read as they are published (see shared/reference/cog-data/SOURCES.md).
struct CogTables {
    struct TorchRow: Decodable {
        let Torch: String
        let Torchvision: String
        let Torchaudio: String
        let ExtraIndexURL: String
        let CUDA: String?
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

    let torch: [TorchRow]
    let tensorflow: [TensorflowRow]
    let cudaImages: [CudaImageRow]

    init(directory: URL) throws {
        func read<T: Decodable>(_ name: String) throws -> T {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw PackageIndex.Failure(description: "\(name): not found in the reference folder")
            }
            return try JSONDecoder().decode(T.self, from: data)
        }
        torch = try read("torch_compatibility.json")
        tensorflow = try read("tf_compatibility.json")
        cudaImages = try read("cuda_compatibility.json")
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
        ("torch", "pairings and CUDA variants: Cog pkg/config/torch_compatibility.json; pythons and the default wheel's CUDA: the package index (PEP 691 file lists, PEP 658 metadata)"),
        ("torchvision, torchaudio", "the torch release each is built for: Cog pkg/config/torch_compatibility.json; pythons: the package index"),
        ("tensorflow", "CUDA and cuDNN: Cog pkg/config/tf_compatibility.json; pythons: the package index"),
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
            if defaults[v] == nil { log("warning: torch \(v): no wheel metadata names its CUDA runtime; no variant is marked as the package index's") }
            var cudas = byVersion[v]!.map { $0.CUDA.flatMap(DottedVersion.init)?.truncated(to: 2) }
            if let d = defaults[v], !cudas.contains(d) { cudas.append(d) }
            let none = DottedVersion(parts: [0])
            for cuda in Set(cudas).sorted(by: { ($0 ?? none) < ($1 ?? none) }) {
                out.append(.init(package: "torch", version: v.description, variant: cuda.map { "cu\($0.major)\($0.minor)" } ?? "cpu",
                                 cuda: cuda?.text, pypi: cuda != nil && cuda == defaults[v], pythons: py.map(\.text)))
            }
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

    private func tensorflow(files: [PackageIndex.File]) -> [MatrixDocument.Row] {
        let rows = cog.tensorflow.compactMap { row -> (PEP440Version, CogTables.TensorflowRow)? in
            guard let v = PEP440Version(row.TF) else {
                log("warning: tf table: unreadable version \(row.TF); left out")
                return nil
            }
            return (v, row)
        }.sorted { $0.0 < $1.0 }
        var out: [MatrixDocument.Row] = []
        for (v, row) in rows {
            let py = index.pythons(of: files, version: v)
            guard !py.isEmpty, let cuda = DottedVersion(row.CUDA), let cudnn = DottedVersion(row.CuDNN) else {
                log("warning: tensorflow \(v) has no Linux x86_64 wheels or an unreadable CUDA; left out")
                continue
            }
            out.append(.init(package: "tensorflow", version: v.description, cuda: cuda.truncated(to: 2).text, cudnn: cudnn.text,
                             pythons: py.map(\.text)))
        }
        return out
    }
}

import Foundation
import Rules

/// Regenerates `data/cuda-matrix.json` from Cog's published tables (the pairings of torch with
/// torchvision/torchaudio, the CUDA variants, TensorFlow's CUDA and cuDNN, the nvidia/cuda tags),
/// the facts in gpu-facts.md (drivers, compute capability) and the package index, which is the
/// truth for which Python versions each release has wheels for and which CUDA the default torch
/// wheel was built with.
public struct MatrixRefresh {
    public struct Options {
        public var referenceDirectory: URL
        public var gpuFacts: URL
        public var output: URL
        public var indexURL: URL
        /// Packages whose releases each pin one torch release.
        public var torchPinnedPackages: [String]
        public var log: @Sendable (String) -> Void

        public init(referenceDirectory: URL, gpuFacts: URL, output: URL,
                    indexURL: URL = URL(string: "https://pypi.org/simple/")!,
                    torchPinnedPackages: [String] = ["xformers"],
                    log: @escaping @Sendable (String) -> Void = { _ in }) {
            self.referenceDirectory = referenceDirectory
            self.gpuFacts = gpuFacts
            self.output = output
            self.indexURL = indexURL
            self.torchPinnedPackages = torchPinnedPackages
            self.log = log
        }
    }

    public struct Summary: CustomStringConvertible {
        public let torchRows, companionRows, tensorflowRows, images, pins: Int
        public var description: String {
            "\(torchRows) torch rows, \(companionRows) torchvision/torchaudio rows, \(tensorflowRows) TensorFlow rows, \(images) CUDA images, \(pins) torch pins"
        }
    }

    let options: Options
    public init(_ options: Options) { self.options = options }

    public func run() async throws -> Summary {
        let cog = try CogTables(directory: options.referenceDirectory)
        guard let factsText = FileManager.default.contents(atPath: options.gpuFacts.path) else {
            throw PackageIndex.Failure(description: "\(options.gpuFacts.lastPathComponent): not found")
        }
        let facts = try GPUFacts(markdown: String(decoding: factsText, as: UTF8.self))
        let index = PackageIndex(baseURL: options.indexURL)

        options.log("reading the package index for torch, torchvision, torchaudio, tensorflow")
        async let torchFiles = index.files(of: "torch")
        async let visionFiles = index.files(of: "torchvision")
        async let audioFiles = index.files(of: "torchaudio")
        async let tfFiles = index.files(of: "tensorflow")
        let (tf, tv, ta, tff) = try await (torchFiles, visionFiles, audioFiles, tfFiles)

        var doc = MatrixDocument()
        try await buildTorch(cog: cog, files: tf, index: index, into: &doc)
        try buildCompanions(cog: cog, vision: tv, audio: ta, into: &doc)
        buildTensorflow(cog: cog, files: tff, into: &doc)
        buildImages(cog: cog, into: &doc)
        doc.toolkitDrivers = facts.toolkit.map { .init(cuda: $0.cuda.text, driver: $0.driver.text, checked: $0.checked) }
        doc.compatDrivers = facts.compat.map { .init(major: $0.major, driver: $0.driver.text) }
        doc.capabilities = facts.capabilities.map {
            .init(arch: $0.arch, gpus: $0.gpus, torchMin: $0.torchMin, cudaMin: $0.cudaMin.text, checked: $0.checked)
        }
        for package in options.torchPinnedPackages {
            try await buildPins(package: package, index: index, into: &doc)
        }

        let text = doc.render()
        // Parse what we are about to write with the real loader: a generator bug must not land.
        _ = try CudaMatrixLoader.parse(try YAMLFile.parse(text, display: options.output.lastPathComponent), frameworks: [])
        let tmp = options.output.appendingPathExtension("tmp")
        try text.write(to: tmp, atomically: false, encoding: .utf8)
        _ = try? FileManager.default.removeItem(at: options.output)
        try FileManager.default.moveItem(at: tmp, to: options.output)
        return Summary(torchRows: doc.torch.count, companionRows: doc.companions.count,
                       tensorflowRows: doc.tensorflow.count, images: doc.images.count, pins: doc.pins.count)
    }

    // MARK: - torch

    private func pythons(of files: [PackageIndex.File], version: PEP440Version) -> [DottedVersion] {
        var out = Set<DottedVersion>()
        for f in files where !f.yanked {
            guard let w = WheelFilename(f.filename), w.version == version, w.isLinuxX86_64, !w.freeThreaded else { continue }
            out.formUnion(w.cpythons)
        }
        return out.sorted()
    }

    /// The METADATA of one Linux x86_64 wheel of this release. Not every wheel has its metadata
    /// file served, so the wheels are tried in turn, newest CPython first.
    private static func metadata(_ files: [PackageIndex.File], version: PEP440Version,
                                 index: PackageIndex) async throws -> String? {
        let candidates = files.compactMap { f -> (PackageIndex.File, DottedVersion)? in
            guard !f.yanked, let w = WheelFilename(f.filename), w.version == version, w.isLinuxX86_64,
                  !w.freeThreaded else { return nil }
            return (f, w.cpythons.max() ?? DottedVersion(parts: [0]))
        }.sorted { $0.1 > $1.1 }
        for (file, _) in candidates {
            if let meta = try await index.metadata(of: file) { return meta }
        }
        return nil
    }

    private func buildTorch(cog: CogTables, files: [PackageIndex.File], index: PackageIndex,
                            into doc: inout MatrixDocument) async throws {
        var byVersion: [PEP440Version: [CogTables.TorchRow]] = [:]
        for row in cog.torch {
            guard let v = PEP440Version(row.Torch) else { throw PackageIndex.Failure(description: "torch table: bad version \(row.Torch)") }
            byVersion[v.public_, default: []].append(row)
        }
        let versions = byVersion.keys.sorted()
        options.log("torch: \(versions.count) releases; reading default-wheel metadata")
        let defaults = try await withThrowingTaskGroup(of: (PEP440Version, DottedVersion?).self) { group in
            for v in versions {
                group.addTask {
                    guard let meta = try await Self.metadata(files, version: v, index: index) else { return (v, nil) }
                    // nvidia-cuda-runtime-cu12==12.1.105 → 12.1
                    let runtime = requiresDist(meta).first { $0.name.hasPrefix("nvidia-cuda-runtime-cu") }
                    let version = runtime.flatMap { dep -> DottedVersion? in
                        guard let eq = dep.spec.range(of: "==") else { return nil }
                        let text = dep.spec[eq.upperBound...].prefix { $0.isNumber || $0 == "." }
                        return DottedVersion(String(text))?.truncated(to: 2)
                    }
                    return (v, version)
                }
            }
            var out: [PEP440Version: DottedVersion] = [:]
            for try await (v, c) in group { if let c { out[v] = c } }
            return out
        }

        for v in versions {
            let py = pythons(of: files, version: v)
            guard !py.isEmpty else {
                throw PackageIndex.Failure(description: "torch \(v): no Linux x86_64 wheels on the package index")
            }
            var rows = byVersion[v]!.map { row -> MatrixDocument.Torch in
                let cuda = row.CUDA.flatMap(DottedVersion.init)?.truncated(to: 2)
                let variant = cuda.map { "cu\($0.major)\($0.minor)" } ?? "cpu"
                var url = row.ExtraIndexURL
                if url.isEmpty { url = "https://download.pytorch.org/whl/\(variant)" }
                while url.hasSuffix("/") { url.removeLast() }
                return .init(torch: v.description, variant: variant, cuda: cuda?.text, index: url,
                             pypi: cuda != nil && cuda == defaults[v], pythons: py.map(\.text))
            }
            if let d = defaults[v], !rows.contains(where: { $0.cuda == d.text }) {
                let variant = "cu\(d.major)\(d.minor)"
                rows.append(.init(torch: v.description, variant: variant, cuda: d.text,
                                  index: "https://download.pytorch.org/whl/\(variant)", pypi: true, pythons: py.map(\.text)))
            }
            doc.torch += rows.sorted { ($0.cuda.flatMap(DottedVersion.init) ?? DottedVersion(parts: [0])) <
                                       ($1.cuda.flatMap(DottedVersion.init) ?? DottedVersion(parts: [0])) }
        }
    }

    private func buildCompanions(cog: CogTables, vision: [PackageIndex.File], audio: [PackageIndex.File],
                                 into doc: inout MatrixDocument) throws {
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
                let py = pythons(of: files, version: c)
                guard !py.isEmpty else {
                    options.log("warning: \(package) \(c) has no Linux x86_64 wheels on the index; left out")
                    continue
                }
                doc.companions.append(.init(package: package, version: c.description, torch: t.description, pythons: py.map(\.text)))
            }
        }
    }

    // MARK: - tensorflow

    private func buildTensorflow(cog: CogTables, files: [PackageIndex.File], into doc: inout MatrixDocument) {
        let rows = cog.tensorflow.compactMap { row -> (PEP440Version, CogTables.TensorflowRow)? in
            guard let v = PEP440Version(row.TF) else {
                options.log("warning: tf table: unreadable version \(row.TF); left out")
                return nil
            }
            return (v, row)
        }.sorted { $0.0 < $1.0 }
        for (v, row) in rows {
            let py = pythons(of: files, version: v)
            guard !py.isEmpty, let cuda = DottedVersion(row.CUDA), let cudnn = DottedVersion(row.CuDNN) else {
                options.log("warning: tensorflow \(v) has no Linux x86_64 wheels or an unreadable CUDA; left out")
                continue
            }
            doc.tensorflow.append(.init(version: v.description, cuda: cuda.truncated(to: 2).text, cudnn: cudnn.text,
                                        pythons: py.map(\.text)))
        }
    }

    private func buildImages(cog: CogTables, into doc: inout MatrixDocument) {
        doc.images = cog.cudaImages.map {
            .init(image: "nvidia/cuda:\($0.Tag)", cuda: $0.CUDA, cudnn: $0.CuDNN, os: "ubuntu\($0.Ubuntu)",
                  flavor: $0.IsDevel ? "devel" : "runtime")
        }
    }

    // MARK: - pins

    private func buildPins(package: String, index: PackageIndex, into doc: inout MatrixDocument) async throws {
        let files = try await index.files(of: package)
        var versions = Set<PEP440Version>()
        for f in files { if let w = WheelFilename(f.filename), w.isLinuxX86_64, !w.version.isPrerelease { versions.insert(w.version) } }
        options.log("\(package): \(versions.count) releases with Linux wheels; reading their torch pins")
        let pins = try await withThrowingTaskGroup(of: (PEP440Version, PEP440Version?).self) { group in
            for v in versions {
                group.addTask {
                    guard let meta = try await Self.metadata(files, version: v, index: index) else {
                        return (v, nil)
                    }
                    guard let dep = requiresDist(meta).first(where: { $0.name == "torch" }),
                          let spec = PEP440SpecifierSet(dep.spec.split(separator: ";").first.map(String.init)?
                              .trimmingCharacters(in: CharacterSet(charactersIn: " ()")) ?? ""),
                          let exact = spec.exactPin else { return (v, nil) }
                    return (v, exact)
                }
            }
            var out: [(PEP440Version, PEP440Version)] = []
            for try await (v, t) in group { if let t { out.append((v, t)) } }
            // Releases whose metadata the index does not serve, or that pin no single torch.
            return out.sorted { $0.0 < $1.0 }
        }
        doc.pins += pins.map { .init(package: package, version: $0.0.description, torch: $0.1.description) }
    }
}

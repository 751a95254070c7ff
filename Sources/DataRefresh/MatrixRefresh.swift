import Foundation
import Rules

/// Regenerates `data/cuda-matrix.json` from its sources, as `rules/sources.yaml` lists them:
/// Cog's published tables (`CogTables`: variant tables such as torch's with its companions, minor
/// tables such as TensorFlow's, and the nvidia/cuda tags), the package index (every release's
/// Pythons; releases with GPU extras, `IndexExtrasRows`; releases that pin another package's,
/// `PinnedReleases`; the SDK's `requires-python`, `CogSDKRows`) and the facts in gpu-facts.md
/// (drivers, compute capability). Each reader makes rows of one shape; this puts them together,
/// checks the result with the real loader and writes it.
public struct MatrixRefresh {
    public struct Options {
        public var referenceDirectory: URL
        public var gpuFacts: URL
        public var output: URL
        public var indexURL: URL
        /// How each framework is installed (`rules/frameworks.yaml`): the written file is checked
        /// with them, and every framework's packages must have rows.
        public var frameworks: [Framework]
        /// `rules/frameworks.yaml` itself, whose digest the data records.
        public var frameworksFile: URL?
        /// Where each group of rows is read (`rules/sources.yaml`), in the order they are written.
        public var sources: [RefreshSource]
        /// `rules/sources.yaml` itself, whose digest the data records.
        public var sourcesFile: URL?
        public var log: @Sendable (String) -> Void

        public init(referenceDirectory: URL, gpuFacts: URL, output: URL,
                    indexURL: URL = URL(string: "https://pypi.org/simple/")!,
                    frameworks: [Framework],
                    frameworksFile: URL? = nil,
                    sources: [RefreshSource],
                    sourcesFile: URL? = nil,
                    log: @escaping @Sendable (String) -> Void = { _ in }) {
            self.referenceDirectory = referenceDirectory
            self.gpuFacts = gpuFacts
            self.output = output
            self.indexURL = indexURL
            self.frameworks = frameworks
            self.frameworksFile = frameworksFile
            self.sources = sources
            self.sourcesFile = sourcesFile
            self.log = log
        }
    }

    public struct Summary: CustomStringConvertible {
        /// Rows per package, in file order.
        public let rows: [(package: String, rows: Int)]
        public let images, toolkitDrivers, computeCapabilities: Int
        public var description: String {
            (rows.map { "\($0.rows) \($0.package)" } + ["\(images) CUDA images", "\(toolkitDrivers) toolkit drivers",
                                                        "\(computeCapabilities) compute capabilities"]).joined(separator: ", ")
        }
    }

    let options: Options
    public init(_ options: Options) { self.options = options }

    public func run() async throws -> Summary {
        guard let factsText = FileManager.default.contents(atPath: options.gpuFacts.path) else {
            throw PackageIndex.Failure(description: "\(options.gpuFacts.lastPathComponent): not found")
        }
        let facts = try GPUFacts(markdown: String(decoding: factsText, as: UTF8.self))
        let index = ProjectListCache(PackageIndex(baseURL: options.indexURL))
        let reference = options.referenceDirectory

        var doc = MatrixDocument()
        if let file = options.frameworksFile {
            doc.inputs = [(Framework.file, try InputDigest.sha256(of: file))]
        }
        if let file = options.sourcesFile {
            doc.inputs.append((RefreshSource.file, try InputDigest.sha256(of: file)))
        }
        // The requires-python readers last: the Pythons they admit are those the other rows name.
        for source in options.sources {
            doc.packageSources += source.notes
            switch source.reader {
            case .variantTable(let table, let older, let lead, let companions):
                let rows = try CogTables.variantRows(in: reference, table: table, olderTable: older, lead: lead, companions: companions)
                doc.packages += try await VariantTableRows(rows: rows, lead: lead.package, companions: companions.map(\.package),
                                                           index: index, log: options.log).rows()
            case .minorTable(let table, let lead):
                let rows = try CogTables.minorRows(in: reference, table: table, lead: lead)
                doc.packages += try await MinorTableRows(rows: rows, package: lead.package, index: index, log: options.log).rows()
            case .indexPins(let package, let pins):
                let reader = PinnedReleases(package: package, pinned: pins, index: index, log: options.log)
                doc.packages += try await reader.rows()
                doc.packageSources.append(reader.source)
            case .indexExtras(let package, let compiled, let first, let defaultCUDA):
                doc.packages += try await IndexExtrasRows(package: package, compiled: compiled, first: first, defaultCUDA: defaultCUDA,
                                                          index: index, log: options.log).rows()
            case .requiresPython:
                continue
            }
        }
        let known = Set(doc.packages.flatMap { $0.pythons ?? [] }).compactMap(DottedVersion.init).sorted()
        for source in options.sources {
            guard case .requiresPython(let package, let first) = source.reader else { continue }
            let rows = try await CogSDKRows.fetch(from: index, project: package, pythons: known, from: first)
            options.log("\(package): \(rows.count) releases")
            doc.packages += rows.map { .init(package: package, version: $0.version.description, pythons: $0.pythons.map(\.text)) }
            doc.packageSources.append((package, CogSDKRows.source(from: first)))
        }
        // Which releases exist at all, for every package with rows.
        var names: [String] = []
        for row in doc.packages where !names.contains(row.package) { names.append(row.package) }
        doc.index = options.indexURL.absoluteString
        doc.releases = try await IndexReleases(index: index, pythons: known, log: options.log).rows(of: names)
        doc.packageSources.append(("index_releases", IndexReleases.source))
        // A GPU row whose CUDA no driver fact covers could never be chosen (`rules lint` says
        // so): such rows (CUDA 9.2 and 10.0 variants of old torch releases) are left out.
        let floors = Set(facts.toolkit.map { $0.cuda.truncated(to: 2) }), majors = Set(facts.compat.map(\.major))
        let uncovered = doc.packages.filter { row in
            guard let cuda = row.cuda.flatMap(DottedVersion.init) else { return false }
            return !floors.contains(cuda.truncated(to: 2)) && !majors.contains(cuda.major)
        }
        if !uncovered.isEmpty {
            options.log("left out, as no driver fact in \(options.gpuFacts.lastPathComponent) covers their CUDA: "
                + uncovered.map { "\($0.package) \($0.version) (\($0.variant ?? $0.cuda!))" }.joined(separator: ", "))
            doc.packages.removeAll { uncovered.contains($0) }
        }
        doc.images = CogTables.images(try CogTables.cudaImages(in: reference))
        doc.toolkitDrivers = facts.toolkit.map { .init(cuda: $0.cuda.text, driver: $0.driver.text, checked: $0.checked) }
        doc.compatDrivers = facts.compat.map { .init(major: $0.major, driver: $0.driver.text) }
        doc.capabilities = facts.capabilities.map {
            .init(arch: $0.arch, gpus: $0.gpus, requires: [($0.package, ">=\($0.minimum)")], cudaMin: $0.cudaMin.text, checked: $0.checked)
        }

        let text = doc.render()
        try Self.check(text, display: options.output.lastPathComponent, frameworks: options.frameworks)
        let tmp = options.output.appendingPathExtension("tmp")
        try text.write(to: tmp, atomically: false, encoding: .utf8)
        _ = try? FileManager.default.removeItem(at: options.output)
        try FileManager.default.moveItem(at: tmp, to: options.output)
        return Summary(rows: doc.counts, images: doc.images.count, toolkitDrivers: doc.toolkitDrivers.count,
                       computeCapabilities: doc.capabilities.count)
    }

    /// Parses what is about to be written with the real loader, so that a generator bug does not
    /// land, and checks that every framework's packages have rows.
    static func check(_ text: String, display: String, frameworks: [Framework]) throws {
        let matrix = try CudaMatrixLoader.parse(try YAMLFile.parse(text, display: display), frameworks: frameworks)
        for framework in frameworks {
            for package in framework.packages where matrix.rows(of: package).isEmpty {
                throw PackageIndex.Failure(description: "\(framework.id) installs \(package), but the refresh produced no rows for it")
            }
        }
    }
}

import Foundation
import Rules

/// Regenerates `data/cuda-matrix.json` from its sources: Cog's published tables (torch and its
/// companions, TensorFlow, the nvidia/cuda tags; `CogTableRows`), the package index (every
/// release's Pythons; JAX's releases, `JAXReleases`; the torch pins of packages such as xformers,
/// `PinnedReleases`) and the facts in gpu-facts.md (drivers, compute capability). Each source's
/// reader makes rows of one shape; this puts them together, checks the result with the real
/// loader and writes it.
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
        /// Packages whose releases each pin one torch release.
        public var torchPinnedPackages: [String]
        public var log: @Sendable (String) -> Void

        public init(referenceDirectory: URL, gpuFacts: URL, output: URL,
                    indexURL: URL = URL(string: "https://pypi.org/simple/")!,
                    frameworks: [Framework],
                    frameworksFile: URL? = nil,
                    torchPinnedPackages: [String] = ["xformers"],
                    log: @escaping @Sendable (String) -> Void = { _ in }) {
            self.referenceDirectory = referenceDirectory
            self.gpuFacts = gpuFacts
            self.output = output
            self.indexURL = indexURL
            self.frameworks = frameworks
            self.frameworksFile = frameworksFile
            self.torchPinnedPackages = torchPinnedPackages
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
        let cog = CogTableRows(cog: try CogTables(directory: options.referenceDirectory),
                               index: PackageIndex(baseURL: options.indexURL), log: options.log)
        guard let factsText = FileManager.default.contents(atPath: options.gpuFacts.path) else {
            throw PackageIndex.Failure(description: "\(options.gpuFacts.lastPathComponent): not found")
        }
        let facts = try GPUFacts(markdown: String(decoding: factsText, as: UTF8.self))
        let index = PackageIndex(baseURL: options.indexURL)

        var doc = MatrixDocument()
        if let file = options.frameworksFile {
            doc.inputs = [(Framework.file, try InputDigest.sha256(of: file))]
        }
        doc.packages = try await cog.rows()
        doc.packageSources = CogTableRows.sources
        for package in options.torchPinnedPackages {
            let pins = PinnedReleases(package: package, pinned: "torch", index: index, log: options.log)
            doc.packages += try await pins.rows()
            doc.packageSources.append(pins.source)
        }
        doc.packages += try await JAXReleases(index: index, log: options.log).rows()
        doc.packageSources.append(JAXReleases.source)
        // The SDK's releases, with the Pythons its requires-python admits among those the tables know.
        let known = Set(doc.packages.flatMap { $0.pythons ?? [] }).compactMap(DottedVersion.init).sorted()
        let sdk = try await CogSDKRows.fetch(indexURL: options.indexURL, pythons: known)
        options.log("cog: \(sdk.count) releases")
        doc.packages += sdk.map { .init(package: CogSDKRows.project, version: $0.version.description, pythons: $0.pythons.map(\.text)) }
        doc.packageSources.append((CogSDKRows.project, CogSDKRows.source))
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
        doc.images = cog.images()
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

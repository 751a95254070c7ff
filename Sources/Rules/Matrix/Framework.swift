import Foundation

/// How a framework is installed (`rules/frameworks.yaml`): which packages go together, and where
/// the chosen variant's wheels come from. Which releases exist and what each needs are rows of the
/// tables; this says only how to install what the resolver chose.
public struct Framework: Sendable, Hashable, Codable {
    public struct GPUExtra: Sendable, Hashable, Codable {
        /// The extra's name; `{variant}` stands for the chosen row's variant.
        public let extra: String
        /// The releases that have it; nil: all.
        public let versions: PEP440SpecifierSet?
    }

    public let id: String
    public let message: String
    /// Installed together, each pinned; the first is the framework itself.
    public let packages: [String]
    /// The wheel index of a variant; `{variant}` stands for the row's variant.
    public let indexTemplate: String?
    public let gpuExtra: GPUExtra?
    /// The lead package's releases whose GPU wheels bring their own CUDA runtime (nvidia-* wheels
    /// or libraries inside the wheel): the image's toolkit is then only for code compiled
    /// against it. nil: none do (the CUDA libraries come from the system).
    public let cudaRuntime: PEP440SpecifierSet?
    public let source: Provenance

    public init(id: String, message: String, packages: [String], indexTemplate: String?, gpuExtra: GPUExtra?,
                cudaRuntime: PEP440SpecifierSet? = nil, source: Provenance) {
        self.id = id
        self.message = message
        self.packages = packages
        self.indexTemplate = indexTemplate
        self.gpuExtra = gpuExtra
        self.cudaRuntime = cudaRuntime
        self.source = source
    }

    public var lead: String { packages[0] }

    /// The index of a variant, or nil when the framework installs from the package index.
    public func index(variant: String?) -> String? {
        guard let indexTemplate, let variant else { return nil }
        return indexTemplate.replacingOccurrences(of: "{variant}", with: variant)
    }

    /// The extra a GPU build installs the lead package with, for the chosen row; `version`, when
    /// the release installed is not the row's (a release the tables lack, taken to be built as a
    /// known one's row).
    public func extra(for row: PackageRow, version: PEP440Version? = nil) -> String? {
        guard let gpuExtra else { return nil }
        if let versions = gpuExtra.versions, !versions.contains(version ?? row.version) { return nil }
        if gpuExtra.extra.contains("{variant}") {
            guard let variant = row.variant else { return nil }
            return gpuExtra.extra.replacingOccurrences(of: "{variant}", with: variant)
        }
        return gpuExtra.extra
    }
}

extension Framework {
    public static let file = "rules/frameworks.yaml"

    /// Reads `rules/frameworks.yaml` below `root` (the cogpack data folder).
    public static func load(root: URL) throws -> [Framework] {
        try RuleFileParser.frameworks(try YAMLFile.load(path: root.appendingPathComponent(file), display: file))
    }
}

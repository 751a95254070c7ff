import Foundation

/// Everything the resolver knows: the tables and the rules, each fact with its file and line.
public struct KnowledgeBase: Sendable {
    public let matrix: CudaMatrix
    /// How each framework's chosen packages are installed.
    public let frameworks: [Framework]
    public let rules: [Rule]
    public let objectives: [Objective]
    public let catalog: BaseImageCatalog
    /// uv and the cog SDK, with the versions builds install.
    public let tools: [BuildTool]
    /// The keys cog.yaml may hold, over Cog's releases.
    public let cogYAML: CogYAMLSchema

    public init(matrix: CudaMatrix, frameworks: [Framework], rules: [Rule], objectives: [Objective], catalog: BaseImageCatalog, tools: [BuildTool],
                cogYAML: CogYAMLSchema) {
        self.matrix = matrix
        self.frameworks = frameworks
        self.tools = tools
        self.cogYAML = cogYAML
        self.rules = rules
        self.objectives = objectives
        self.catalog = catalog
    }

    /// The rule files, in the order their rules are read. Every file must exist.
    public static let ruleFiles = ["apt.yaml", "commands.yaml", "pins.yaml", "python.yaml", "cuda.yaml", "drivers.yaml"]

    /// Loads `rules/*.yaml` and `data/cuda-matrix.json` below `root` (the cogpack data folder).
    public static func load(root: URL) throws -> KnowledgeBase {
        let frameworks = try Framework.load(root: root)
        let matrix = try CudaMatrixLoader.load(root: root, frameworks: frameworks)
        var rules: [Rule] = []
        for name in ruleFiles {
            let display = "rules/\(name)"
            let doc = try YAMLFile.load(path: root.appendingPathComponent(display), display: display)
            rules += try RuleFileParser.rules(doc)
        }
        let objectivesDoc = try YAMLFile.load(path: root.appendingPathComponent("rules/objectives.yaml"),
                                              display: "rules/objectives.yaml")
        let objectives = try RuleFileParser.objectives(objectivesDoc)
        let catalogDoc = try YAMLFile.load(path: root.appendingPathComponent("rules/base-images.yaml"),
                                           display: "rules/base-images.yaml")
        let catalog = try RuleFileParser.catalog(catalogDoc, matrix: matrix)
        let toolsDoc = try YAMLFile.load(path: root.appendingPathComponent("rules/build-tools.yaml"),
                                         display: "rules/build-tools.yaml")
        let tools = try RuleFileParser.tools(toolsDoc)
        for needed in ["uv", "cog"] where !tools.contains(where: { $0.package == needed }) {
            throw InputError(toolsDoc.provenance, "the build tools need an entry for package \(needed)")
        }
        let cogYAML = try CogYAMLSchema.parse(try YAMLFile.load(path: root.appendingPathComponent(CogYAMLSchema.file),
                                                                display: CogYAMLSchema.file))
        let kb = KnowledgeBase(matrix: matrix, frameworks: frameworks, rules: rules, objectives: objectives, catalog: catalog, tools: tools,
                               cogYAML: cogYAML)
        try kb.lint()
        return kb
    }

    /// The same knowledge with another base-image catalog.
    public func with(catalog: BaseImageCatalog) -> KnowledgeBase {
        KnowledgeBase(matrix: matrix, frameworks: frameworks, rules: rules, objectives: objectives, catalog: catalog, tools: tools, cogYAML: cogYAML)
    }

    /// Every Python minor some table row or base image has: a python_version outside it is not a
    /// Python release (3.99) or one nothing here can build on.
    public var knownPythons: [DottedVersion] {
        var out = Set(matrix.pythons.map { $0.truncated(to: 2) })
        for image in catalog.images { if let p = image.python { out.insert(p.truncated(to: 2)) } }
        return out.sorted()
    }

    /// The framework a package is installed with, if any.
    public func framework(of package: String) -> Framework? { frameworks.first { $0.packages.contains(package) } }

    public func tool(_ package: String) -> BuildTool? { tools.first { $0.package == package } }

    /// Self-checks a maintainer's edit: unique ids, rules that name packages the tables know at
    /// versions that exist, objectives over variables the resolver has.
    public func lint() throws {
        var seen: [String: Provenance] = [:]
        for (id, source) in rules.map({ ($0.id, $0.source) }) + objectives.map({ ($0.id, $0.source) })
            + catalog.images.map({ ($0.id, $0.source) }) where !id.isEmpty {
            if let first = seen[id], !catalog.images.contains(where: { $0.id == id }) {
                throw InputError(source, "rule id '\(id)' is used twice (first at \(first)); ids must be unique")
            }
            seen[id] = seen[id] ?? source
        }
        for rule in rules {
            // A pin on a tabled package must name a release the tables have, or it can never hold.
            if case .pin(let package, let spec) = rule.consequence, !matrix.rows(of: package).isEmpty {
                if !matrix.versions(of: package).contains(where: spec.contains) {
                    throw InputError(rule.source, "rule '\(rule.id)' requires \(package) \(spec), which no row of \(matrix.file) has; fix the rule or refresh the data")
                }
            }
        }
        for framework in frameworks {
            for package in framework.packages where matrix.rows(of: package).isEmpty {
                throw InputError(framework.source, "framework '\(framework.id)' names \(package), which no row of \(matrix.file) has; refresh the data or fix the name")
            }
        }
        let variables = Set(objectives.map(\.variable))
        for required in ResolverVariable.fixed where !variables.contains(required) {
            throw InputError(Provenance(file: "rules/objectives.yaml", line: nil),
                             "no objective for '\(required)'; every resolver variable needs one")
        }
    }
}

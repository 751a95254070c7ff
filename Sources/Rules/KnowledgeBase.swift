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
        let (kb, problems) = loadAll(root: root)
        if let first = problems.first { throw first }
        return kb!
    }

    /// Loads every file, going on past a bad one, and returns the knowledge (when every file
    /// parsed, even if it has problems) and every problem found, each with its file and line: what `cogpack rules lint`
    /// prints.
    public static func loadAll(root: URL) -> (KnowledgeBase?, [InputError]) {
        var problems: [InputError] = []
        func attempt<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch let e as InputError {
                problems.append(e)
            } catch {
                problems.append(InputError(Provenance(file: "rules", line: nil), "\(error)"))
            }
            return nil
        }
        func doc(_ display: String) throws -> YAMLValue { try YAMLFile.load(path: root.appendingPathComponent(display), display: display) }
        let frameworks = attempt { try Framework.load(root: root) }
        let matrix = attempt { try CudaMatrixLoader.load(root: root, frameworks: frameworks ?? []) }
        var rules: [Rule]? = []
        for name in ruleFiles {
            if let more = attempt({ try RuleFileParser.rules(doc("rules/\(name)")) }) { rules? += more } else { rules = nil }
        }
        let objectives = attempt { try RuleFileParser.objectives(doc("rules/objectives.yaml")) }
        let catalog = matrix.flatMap { m in attempt { try RuleFileParser.catalog(doc("rules/base-images.yaml"), matrix: m) } }
        let tools = attempt { () -> [BuildTool] in
            let toolsDoc = try doc("rules/build-tools.yaml")
            let tools = try RuleFileParser.tools(toolsDoc)
            for needed in ["uv"] where !tools.contains(where: { $0.package == needed }) {
                throw InputError(toolsDoc.provenance, "the build tools need an entry for package \(needed)")
            }
            return tools
        }
        let cogYAML = attempt { try CogYAMLSchema.parse(doc(CogYAMLSchema.file)) }
        guard let frameworks, let matrix, let rules, let objectives, let catalog, let tools, let cogYAML else { return (nil, problems) }
        let kb = KnowledgeBase(matrix: matrix, frameworks: frameworks, rules: rules, objectives: objectives, catalog: catalog,
                               tools: tools, cogYAML: cogYAML)
        problems += kb.problems()
        return (kb, problems)
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
    /// versions that exist, objectives over variables the resolver has. Every problem, in file order.
    public func problems() -> [InputError] {
        var problems: [InputError] = []
        var seen: [String: Provenance] = [:]
        for (id, source) in rules.map({ ($0.id, $0.source) }) + objectives.map({ ($0.id, $0.source) })
            + catalog.images.map({ ($0.id, $0.source) }) where !id.isEmpty {
            if let first = seen[id], !catalog.images.contains(where: { $0.id == id }) {
                problems.append(InputError(source, "rule id '\(id)' is used twice (first at \(first)); ids must be unique"))
            }
            seen[id] = seen[id] ?? source
        }
        for rule in rules {
            // A pin on a tabled package must name a release the tables have, or it can never hold.
            if case .pin(let package, let spec) = rule.consequence, !matrix.rows(of: package).isEmpty {
                if !matrix.versions(of: package).contains(where: spec.contains) {
                    problems.append(InputError(rule.source, "rule '\(rule.id)' requires \(package) \(spec), which no row of \(matrix.file) has; fix the rule or refresh the data"))
                }
            }
        }
        for framework in frameworks {
            for package in framework.packages where matrix.rows(of: package).isEmpty {
                problems.append(InputError(framework.source, "framework '\(framework.id)' names \(package), which no row of \(matrix.file) has; refresh the data or fix the name"))
            }
        }
        let variables = Set(objectives.map(\.variable))
        for required in ResolverVariable.fixed where !variables.contains(required) {
            problems.append(InputError(Provenance(file: "rules/objectives.yaml", line: nil),
                                       "no objective for '\(required)'; every resolver variable needs one"))
        }
        return problems
    }
}

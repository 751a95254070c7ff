/// The mutable assembly of a plan: blocks add stages to phases, contexts, and export settings;
/// `compose()` orders the stages, resolves every `auto` and `phase` input to a stage, checks
/// every reference, and yields an immutable `Plan`.
public final class Composer {
    public private(set) var platform = Plan.Platform.linuxAMD64
    private var phases: [PhaseKey: [Plan.Stage]] = [:]
    private var owners: [String: String] = [:]
    private var contexts: [String: Plan.Context] = [:]
    /// What the base image brings (`python`, `tini`), for `hasProvider`.
    private var baseProvides: Set<String> = []
    public var export = Plan.ExportConfig(entrypoint: [], cmd: [], env: [], workingDir: "/", user: nil, exposedPorts: [], labels: [:])

    /// Things a block left out or changed, shown with the plan.
    public private(set) var warnings: [String] = []

    public init() {}

    public func warn(_ text: String) { warnings.append(text) }

    public func setBaseProvides(_ names: [String]) { baseProvides = Set(names) }

    /// Adds a stage at the end of its phase. Its id must be unique across the plan.
    @discardableResult
    public func addStage(_ id: String, phase: PhaseKey, block: String, name: String, source: StageInput = .auto,
                         operations: [Plan.Operation] = [], env: [String] = [], workdir: String? = nil,
                         provides: [String] = []) throws -> String {
        if let first = owners[id] { throw ComposerError.duplicateStage(id: id, first: first, second: block) }
        owners[id] = block
        phases[phase, default: []].append(Plan.Stage(id: id, name: name, phase: phase, block: block, source: source,
                                                     operations: operations, env: env, workdir: workdir, provides: provides))
        return id
    }

    public func addContext(_ name: String, _ context: Plan.Context) { contexts[name] = context }

    /// True when the base image or a stage added so far provides `name`.
    public func hasProvider(_ name: String) -> Bool {
        baseProvides.contains(name) || phases.values.contains { $0.contains { $0.provides.contains(name) } }
    }

    public func stages(in phase: PhaseKey) -> [Plan.Stage] { phases[phase] ?? [] }

    public func compose(resolution: Plan.ResolutionRecord) throws -> Plan {
        let ordered = PhaseKey.allCases.flatMap { phases[$0] ?? [] }
        var index: [String: Int] = [:]
        for (i, s) in ordered.enumerated() { index[s.id] = i }

        func resolve(_ input: StageInput, at position: Int) throws -> StageInput {
            let by = ordered[position].id
            switch input {
            case .auto:
                guard position > 0 else { throw ComposerError.noEarlierStage(referencedBy: by) }
                return .stage(ordered[position - 1].id)
            case .phase(let key):
                // The phase's last stage; an empty phase hands over to the phases before it.
                let candidates = PhaseKey.allCases.filter { $0 <= key }.reversed()
                for k in candidates {
                    if let last = phases[k]?.last(where: { index[$0.id]! < position }) { return .stage(last.id) }
                }
                throw ComposerError.noEarlierStage(referencedBy: by)
            case .stage(let id):
                guard let i = index[id] else { throw ComposerError.unknownStage(id: id, referencedBy: by) }
                guard i < position else { throw ComposerError.laterStage(id: id, referencedBy: by) }
                return input
            case .context(let name):
                guard contexts[name] != nil else { throw ComposerError.unknownContext(name: name, referencedBy: by) }
                return input
            case .image, .scratch:
                return input
            }
        }

        var stages: [Plan.Stage] = []
        for (i, var s) in ordered.enumerated() {
            s.source = try resolve(s.source, at: i)
            s.operations = try s.operations.map { op in
                switch op {
                case .copy(var c):
                    c.from = try resolve(c.from, at: i)
                    return .copy(c)
                case .exec(var e):
                    e.mounts = try e.mounts.map { m in
                        if case .input(let from, let target, let path) = m { return .input(try resolve(from, at: i), target: target, path: path) }
                        return m
                    }
                    return .exec(e)
                default:
                    return op
                }
            }
            stages.append(s)
        }
        return Plan(format: Plan.currentFormat, platform: platform, stages: stages, contexts: contexts,
                    export: export, resolution: Plan.ResolutionRecord(choices: resolution.choices,
                                                                      warnings: resolution.warnings + warnings,
                                                                      facts: resolution.facts))
    }
}

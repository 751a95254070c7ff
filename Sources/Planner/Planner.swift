import Foundation
import Resolver
import Rules

/// What planning a project gives: a plan, or the resolver's conflict.
public enum PlanOutcome: Sendable {
    case planned(Plan)
    case conflict(Conflict)
}

/// Source → Stack → Blocks → Requests → Resolver → Composer → Plan, in one pass.
public struct Planner: Sendable {
    public let kb: KnowledgeBase
    public let stack = PythonStack()

    public init(kb: KnowledgeBase) { self.kb = kb }

    /// `facts` are what the machine has and reaches (base images, registry, indexes); the plan
    /// records them.
    /// `lock` says what to do with the model's `cogpack.lock` (docs/lock.md).
    public func plan(_ directory: URL, drivers: [DottedVersion] = [], gpus: [String] = [], facts: BuildFacts? = nil,
                     cache: ResolutionCache? = nil, lock: LockPolicy = .whenFresh) throws -> PlanOutcome {
        guard let facts else { return try plan(directory, drivers: drivers, gpus: gpus, extra: [], recorded: nil, cache: cache, lock: lock) }
        let (known, extra) = facts.apply(to: kb)
        return try Planner(kb: known).plan(directory, drivers: drivers, gpus: gpus, extra: extra, recorded: facts, cache: cache, lock: lock)
    }

    private func plan(_ directory: URL, drivers: [DottedVersion], gpus: [String], extra: [Request], recorded: BuildFacts?,
                      cache: ResolutionCache?, lock: LockPolicy) throws -> PlanOutcome {
        var (input, blocks, outcome) = try resolve(directory, drivers: drivers, gpus: gpus, extra: extra, cache: cache)
        switch outcome {
        case .conflict(let c):
            return .conflict(c)
        case .resolved(let resolution):
            let resolved = Resolved(resolution: resolution)
            let composer = Composer()
            for w in input.project.warnings { composer.warn(w.description) }
            input.lock = try LockUse.lock(for: input, resolved, policy: lock, composer: composer)
            for block in blocks { try block.plan(input, resolved, composer) }
            var record = Self.record(resolution)
            record.facts = recorded
            return .planned(try composer.compose(resolution: record))
        }
    }

    /// The project read, its active blocks, and the resolver's answer to their requests.
    func resolve(_ directory: URL, drivers: [DottedVersion], gpus: [String], extra: [Request],
                 cache: ResolutionCache?) throws -> (BlockInput, [any Block], Outcome) {
        let folder = try ModelFolder(directory)
        let project = try Project.load(folder, kb: kb)
        let source = try SourceInfo.read(folder)
        var input = BlockInput(project: project, source: source, kb: kb)
        // A predictor the schema cannot describe fails here, before anything is resolved.
        input.signatures = try ModelSignatures.read(project)
        let blocks = stack.active(input)
        let requests = Self.requests(input, blocks: blocks, drivers: drivers, gpus: gpus) + extra
        let resolver = Resolver(kb: kb)
        return (input, blocks, try cache.map({ try $0.resolve(requests, with: resolver) }) ?? resolver.resolve(requests))
    }

    /// Everything the project asks of the resolver: its own requests (cog.yaml, requirements,
    /// flags) and what its blocks need (the cog SDK every image serves predictions with).
    public func requests(_ project: Project, drivers: [DottedVersion] = [], gpus: [String] = []) throws -> [Request] {
        let input = BlockInput(project: project, source: try SourceInfo.read(project.folder), kb: kb)
        return Self.requests(input, blocks: stack.active(input), drivers: drivers, gpus: gpus)
    }

    static func requests(_ input: BlockInput, blocks: [any Block], drivers: [DottedVersion], gpus: [String]) -> [Request] {
        input.project.requests(drivers: drivers, gpus: gpus) + blocks.flatMap { $0.requests(input) }
    }

    static func record(_ r: Resolution) -> Plan.ResolutionRecord {
        var choices: [String: Plan.ResolutionRecord.Choice] = [:]
        for c in r.choices {
            choices[c.variable.name] = .init(value: c.value.description, reasons: c.reasons.map { .init(source: $0.source, text: $0.text) },
                                             alternatives: c.alternatives.map(\.description))
        }
        if !r.apt.packages.isEmpty {
            choices["apt_packages"] = .init(value: r.apt.packages.joined(separator: " "),
                                            reasons: r.apt.reasons.map { .init(source: $0.source, text: $0.text) }, alternatives: [])
        }
        return Plan.ResolutionRecord(choices: choices, warnings: r.warnings)
    }
}

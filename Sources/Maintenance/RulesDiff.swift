import Foundation
import Planner
import Resolver
import Rules

/// What a rules change does to real models: every model of a corpus resolved with the old
/// knowledge and with the new, and for each model whose outcome moved, each choice that moved
/// with the rules and rows that moved it.
public struct RulesDiff: Sendable {
    /// A model's outcome under one rule set, as values to compare.
    public enum Outcome: Sendable, Equatable {
        /// Chosen values by variable name (`apt_packages` joined), in the resolution's order.
        case resolved([Value])
        /// The sources of the conflict's core.
        case conflict([String])
        /// The model's files are bad input under these rules.
        case error(String)

        public var status: String {
            switch self {
            case .resolved: "resolved"
            case .conflict: "conflict"
            case .error: "error"
            }
        }
    }

    public struct Value: Sendable, Equatable {
        public let variable: String
        public let value: String
    }

    /// A choice that moved, and what the new rules say about it that the old did not.
    public struct Move: Sendable {
        public let variable: String
        public let old: String?
        public let new: String?
        /// Reasons of the new choice the old one lacked (the rule or row that moved it); if none,
        /// the old reasons that no longer hold.
        public let because: [Reason]
    }

    public struct ModelChange: Sendable {
        public let model: String
        public let old: Outcome
        public let new: Outcome
        public let moves: [Move]
    }

    public struct Report: Sendable {
        public let models: Int
        public let changes: [ModelChange]
        public var newlyConflicting: Int { changes.filter { $0.old.status != "conflict" && $0.new.status == "conflict" }.count }
        public var newlyResolving: Int { changes.filter { $0.old.status != "resolved" && $0.new.status == "resolved" }.count }
        public var newlyRefused: Int { changes.filter { $0.old.status != "error" && $0.new.status == "error" }.count }
        public var moved: Int { changes.filter { $0.old.status == "resolved" && $0.new.status == "resolved" }.count }
    }

    public let old: KnowledgeBase
    public let new: KnowledgeBase

    public init(old: KnowledgeBase, new: KnowledgeBase) {
        self.old = old
        self.new = new
    }

    public func run(_ corpus: ModelCorpus) -> Report {
        // Values only, on both cores; reasons only for the models that moved.
        let pairs = ParallelMap.map(corpus.models) { model in
            (Self.outcome(model, old), Self.outcome(model, new))
        }
        let moved = zip(corpus.models, pairs).filter { $0.1.0 != $0.1.1 }
        // The explanations of the models that moved: on both cores too.
        let changes = ParallelMap.map(moved) { model, outcomes in
            ModelChange(model: model.name, old: outcomes.0, new: outcomes.1, moves: moves(model, outcomes.0, outcomes.1))
        }
        return Report(models: corpus.models.count, changes: changes)
    }

    /// `expect.yaml` next to a fixture may give the flags it is resolved with.
    /// The model's requests under `kb`, and the knowledge they are resolved with (a fixture's
    /// facts add the machine's base images).
    static func requests(_ model: ModelCorpus.Model, _ kb: KnowledgeBase) throws -> (KnowledgeBase, [Request]) {
        let scenario = try? Scenario(folder: model.folder, name: model.name)
        let (known, extra) = scenario?.facts?.apply(to: kb) ?? (kb, [])
        let project = try Project.load(model.folder, kb: known)
        return (known, try Planner(kb: known).requests(project, drivers: scenario?.drivers ?? [], gpus: scenario?.gpus ?? []) + extra)
    }

    static func outcome(_ model: ModelCorpus.Model, _ kb: KnowledgeBase) -> Outcome {
        do {
            let (known, requests) = try requests(model, kb)
            switch try Resolver(kb: known).resolveValues(requests) {
            case .resolved(let r): return .resolved(values(r))
            case .conflict(let c): return .conflict(c.core.map(\.source))
            }
        } catch {
            return .error("\(error)")
        }
    }

    static func values(_ r: Resolution) -> [Value] {
        var out = r.choices.map { Value(variable: $0.variable.name, value: $0.value.description) }
        if !r.apt.packages.isEmpty { out.append(Value(variable: "apt_packages", value: r.apt.packages.joined(separator: " "))) }
        return out
    }

    /// For a model resolved under both: each moved value, explained under both rule sets.
    private func moves(_ model: ModelCorpus.Model, _ a: Outcome, _ b: Outcome) -> [Move] {
        guard case .resolved(let va) = a, case .resolved(let vb) = b else { return [] }
        var names: [String] = []
        for v in vb + va where !names.contains(v.variable) { names.append(v.variable) }
        // Only the choices that moved are explained: each reason costs a search.
        let moved = Set(names.filter { name in va.first { $0.variable == name }?.value != vb.first { $0.variable == name }?.value }
            .map { ResolverVariable(name: $0) })
        guard let ra = Self.resolution(model, old, reasonsFor: moved), let rb = Self.resolution(model, new, reasonsFor: moved) else { return [] }
        return names.compactMap { name in
            let x = va.first { $0.variable == name }?.value, y = vb.first { $0.variable == name }?.value
            guard x != y else { return nil }
            let before = Self.reasons(ra, name), after = Self.reasons(rb, name)
            let added = after.filter { !before.contains($0) }
            return Move(variable: name, old: x, new: y, because: added.isEmpty ? before.filter { !after.contains($0) } : added)
        }
    }

    /// The model resolved with the reasons of `variables`, when it resolves.
    static func resolution(_ model: ModelCorpus.Model, _ kb: KnowledgeBase, reasonsFor variables: Set<ResolverVariable>) -> Resolution? {
        guard let (known, requests) = try? requests(model, kb),
              case .resolved(let r)? = try? Resolver(kb: known).resolve(requests, reasonsFor: variables) else { return nil }
        return r
    }

    static func reasons(_ r: Resolution, _ name: String) -> [Reason] {
        name == "apt_packages" ? r.apt.reasons : r.choice(ResolverVariable(name: name))?.reasons ?? []
    }
}

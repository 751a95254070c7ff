import Foundation
import Planner
import Resolver
import Rules

/// Resolves a scenario's model with the given knowledge and compares it with what the scenario
/// expects. Each mismatch is one line a maintainer can act on.
public struct ScenarioRunner: Sendable {
    public let kb: KnowledgeBase

    public init(kb: KnowledgeBase) { self.kb = kb }

    public struct Result: Sendable {
        public let scenario: String
        /// What happened: resolved, conflict, or error.
        public let outcome: String
        public let failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    public func run(_ s: Scenario) -> Result {
        var failures: [String] = []
        func fail(_ text: String) { failures.append(text) }
        let outcome: Outcome
        let warnings: [String]
        do {
            let (known, extra) = s.facts?.apply(to: kb) ?? (kb, [])
            let project = try Project.load(s.folder, kb: known)
            warnings = project.warnings.map(\.description)
            outcome = try Resolver(kb: known).resolve(Planner(kb: known).requests(project, drivers: s.drivers, gpus: s.gpus) + extra)
        } catch let error as InputError {
            if s.status != .error { fail("expected \(s.status.rawValue), got the input error: \(error)") }
            if let want = s.error, !error.description.contains(want) { fail("the error lacks '\(want)': \(error)") }
            return Result(scenario: s.name, outcome: "error", failures: failures)
        } catch {
            fail("unexpected failure: \(error)")
            return Result(scenario: s.name, outcome: "error", failures: failures)
        }
        switch outcome {
        case .resolved(let r):
            if s.status != .resolved { fail("expected \(s.status.rawValue), got a resolution") }
            for want in s.warnings where !(warnings + r.warnings).contains(where: { $0.contains(want) }) {
                fail("no warning with '\(want)'; warnings: \(warnings + r.warnings)")
            }
            for (variable, want) in s.choices {
                let got = variable == "apt_packages" ? r.apt.packages.joined(separator: " ")
                    : r.choice(ResolverVariable(name: variable))?.value.description ?? "(none)"
                if got != want { fail("\(variable): expected \(want), got \(got)") }
            }
            for variable in s.absent {
                if let c = r.choice(ResolverVariable(name: variable)) { fail("\(variable) should not apply, got \(c.value)") }
            }
        case .conflict(let c):
            if s.status != .conflict {
                fail("expected \(s.status.rawValue), got a conflict: \(c.core.map { "\($0.source) \($0.text)" }.joined(separator: "; "))")
            }
            // `data/cuda-matrix.json` without a line: any row of that file (a refresh moves rows).
            for source in s.core where !c.core.contains(where: { $0.source == source || $0.source.hasPrefix(source + ":") }) {
                fail("the conflict core lacks \(source): \(c.core.map(\.source))")
            }
            if let want = s.correction {
                let texts = c.corrections.map(CorrectionRenderer.text)
                if !texts.contains(where: { $0.contains(want) }) { fail("no correction with '\(want)': \(texts)") }
            }
        }
        let name: String
        switch outcome { case .resolved: name = "resolved"; case .conflict: name = "conflict" }
        return Result(scenario: s.name, outcome: name, failures: failures)
    }

    /// All scenarios, on both cores; results in the scenarios' order.
    public func runAll(_ scenarios: [Scenario]) -> [Result] {
        ParallelMap.map(scenarios) { run($0) }
    }
}

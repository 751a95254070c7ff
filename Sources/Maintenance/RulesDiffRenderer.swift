import Foundation
import Resolver

/// The diff as a reviewer reads it (one block per model that moved, then the counts), or as JSON.
public enum RulesDiffRenderer {
    public static func text(_ report: RulesDiff.Report, seconds: Double) -> String {
        var lines: [String] = []
        for change in report.changes {
            if change.old.status != change.new.status || change.moves.isEmpty {
                lines.append("\(change.model): \(describe(change.old)) → \(describe(change.new))")
            } else {
                lines.append("\(change.model):")
            }
            for move in change.moves {
                let name = move.variable.padding(toLength: 12, withPad: " ", startingAt: 0)
                lines.append("  \(name) \(move.old ?? "(none)") → \(move.new ?? "(none)")")
                for reason in move.because { lines.append("               \(ExplanationText.line(reason))") }
            }
        }
        let unchanged = report.models - report.changes.count
        lines.append(String(format: "%d models: %d with moved choices, %d newly conflict, %d newly resolve, %d newly refused as bad input, %d unchanged (%.1f s)",
                            report.models, report.moved, report.newlyConflicting, report.newlyResolving, report.newlyRefused, unchanged, seconds))
        return lines.joined(separator: "\n")
    }

    static func describe(_ o: RulesDiff.Outcome) -> String {
        switch o {
        case .resolved(let values):
            let shown = values.filter { !["os", "cudnn", "driver_min", "apt_packages"].contains($0.variable) }
            return "resolved (" + shown.map { "\($0.variable) \($0.value)" }.joined(separator: ", ") + ")"
        case .conflict(let core): return "conflict (" + core.joined(separator: ", ") + ")"
        case .error(let message): return "bad input (\(message))"
        }
    }

    public static func json(_ report: RulesDiff.Report, seconds: Double) -> String {
        func outcome(_ o: RulesDiff.Outcome) -> [String: Any] {
            switch o {
            case .resolved(let values):
                var choices: [String: String] = [:]
                for v in values { choices[v.variable] = v.value }
                return ["status": "resolved", "choices": choices]
            case .conflict(let core): return ["status": "conflict", "core": core]
            case .error(let message): return ["status": "error", "error": message]
            }
        }
        let models: [[String: Any]] = report.changes.map { c in
            ["model": c.model, "old": outcome(c.old), "new": outcome(c.new),
             "moved": c.moves.map { m -> [String: Any] in
                 ["variable": m.variable, "old": m.old.map { $0 as Any } ?? NSNull(), "new": m.new.map { $0 as Any } ?? NSNull(),
                  "because": m.because.map { ["source": $0.source, "text": $0.text] }]
             }]
        }
        let summary: [String: Any] = ["models": report.models, "moved": report.moved, "newly_conflicting": report.newlyConflicting,
                                      "newly_resolving": report.newlyResolving, "newly_refused": report.newlyRefused,
                                      "unchanged": report.models - report.changes.count, "seconds": (seconds * 10).rounded() / 10]
        return ExplanationJSON.render(["changes": models, "summary": summary])
    }
}

import Foundation
import Resolver

enum TextOutput {
    static let labels = ["base_image": "base image", "driver_min": "driver", "apt_packages": "apt"]

    /// `warnings` come before the resolver's own.
    static func resolution(_ r: Resolution, warnings: [String] = []) -> String {
        var lines: [String] = []
        for c in r.choices {
            let name = (labels[c.variable] ?? c.variable).padding(toLength: 12, withPad: " ", startingAt: 0)
            let value = c.variable == "driver_min" ? ">= \(c.value)" : c.value
            lines.append("\(name) \(value)")
            for reason in c.reasons { lines.append("             " + TextOutput.line(reason)) }
        }
        for w in warnings + r.warnings { lines.append("warning: \(w)") }
        return lines.joined(separator: "\n")
    }

    /// A flag's source and text are the same words; print them once.
    static func line(_ r: Reason) -> String { r.source == r.text ? r.source : "\(r.source)  \(r.text)" }

    static func conflict(_ c: Conflict) -> String {
        var lines = ["error: these requests and rules cannot all hold"]
        let width = c.core.map(\.source.count).max() ?? 0
        for r in c.core {
            lines.append("  " + (r.source == r.text ? r.source : "\(r.source.padding(toLength: width, withPad: " ", startingAt: 0))  \(r.text)"))
        }
        if c.corrections.isEmpty {
            lines.append("no single edit of your requests resolves it; change the rules data or several requests")
        } else {
            lines.append("any one of these makes it resolve:")
            for k in c.corrections { lines.append("  - \(k.text)") }
        }
        return lines.joined(separator: "\n")
    }
}

enum JSONOutput {
    static func render(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func reasons(_ rs: [Reason]) -> [[String: String]] { rs.map { ["source": $0.source, "text": $0.text] } }

    static func resolution(_ r: Resolution, warnings: [String] = []) -> String {
        var choices: [String: Any] = [:]
        for c in r.choices {
            var entry: [String: Any] = ["value": c.variable == "apt_packages" ? c.value.split(separator: " ").map(String.init) as Any : c.value,
                                        "reasons": reasons(c.reasons), "alternatives": c.alternatives]
            if !c.details.isEmpty { entry["details"] = c.details }
            choices[c.variable] = entry
        }
        return render(["status": "resolved", "choices": choices, "warnings": warnings + r.warnings])
    }

    static func conflict(_ c: Conflict) -> String {
        let corrections: [[String: Any]] = c.corrections.map { k in
            ["text": k.text, "changes": k.changes.map { ch -> [String: Any] in
                ["source": ch.source, "from": ch.from, "to": ch.to.map { $0 as Any } ?? NSNull()]
            }]
        }
        return render(["status": "conflict", "conflict": ["core": reasons(c.core), "corrections": corrections], "warnings": [String]()])
    }
}

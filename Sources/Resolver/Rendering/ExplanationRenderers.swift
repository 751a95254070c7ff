import Foundation
import Rules

/// Resolutions and conflicts as people read them: one line per chosen value, its reasons below.
public enum ExplanationText {
    static let labels: [ResolverVariable: String] = [.baseImage: "base image", .driverMin: "driver"]

    /// `warnings` come before the resolver's own; `facts` (what the machine has) close the text.
    public static func resolution(_ r: Resolution, warnings: [String] = [], facts: [String] = []) -> String {
        resolution(r.explanation, warnings: warnings, facts: facts)
    }

    /// The same from the explanation alone (an image's label).
    public static func resolution(_ r: ResolutionExplanation, warnings: [String] = [], facts: [String] = []) -> String {
        var lines: [String] = []
        func entry(_ label: String, _ value: String, _ reasons: [Reason]) {
            lines.append("\(label.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value)")
            for reason in reasons { lines.append("             " + line(reason)) }
        }
        for c in r.entries {
            entry(labels[c.variable] ?? c.variable.name, c.variable == .driverMin ? ">= \(c.value)" : c.value, c.reasons)
        }
        if !r.apt.packages.isEmpty { entry("apt", r.apt.packages.joined(separator: " "), r.apt.reasons) }
        for w in warnings + r.warnings { lines.append("warning: \(w)") }
        for f in facts { lines.append("facts: \(f)") }
        return lines.joined(separator: "\n")
    }

    /// A flag's source and text are the same words; print them once.
    public static func line(_ r: Reason) -> String { r.source == r.text ? r.source : "\(r.source)  \(r.text)" }

    public static func conflict(_ c: Conflict) -> String {
        var lines = ["error: these requests and rules cannot all hold"]
        let width = c.core.map(\.source.count).max() ?? 0
        for r in c.core {
            lines.append("  " + (r.source == r.text ? r.source : "\(r.source.padding(toLength: width, withPad: " ", startingAt: 0))  \(r.text)"))
        }
        if c.corrections.isEmpty {
            lines.append("no single edit of your requests resolves it; change the rules data or several requests")
        } else {
            lines.append("any one of these makes it resolve:")
            for k in c.corrections { lines.append("  - \(CorrectionRenderer.text(k))") }
        }
        return lines.joined(separator: "\n")
    }
}

/// The same, as JSON for other tools: values typed as JSON can (lists as lists), sorted keys.
public enum ExplanationJSON {
    public static func render(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func reasons(_ rs: [Reason]) -> [[String: String]] { rs.map { ["source": $0.source, "text": $0.text] } }

    /// `facts`: the facts of the machine as JSON can carry them (`BuildFacts` encoded), if any.
    public static func resolution(_ r: Resolution, warnings: [String] = [], facts: Any? = nil) -> String {
        render(resolutionObject(r.explanation, warnings: warnings, facts: facts))
    }

    /// The object `resolution` prints, from the explanation alone (an image's label).
    public static func resolutionObject(_ r: ResolutionExplanation, warnings: [String] = [], facts: Any? = nil) -> [String: Any] {
        var choices: [String: Any] = [:]
        for c in r.entries {
            var entry: [String: Any] = ["value": c.value, "reasons": reasons(c.reasons), "alternatives": c.alternatives]
            if let d = c.details {
                var details: [String: Any] = [:]
                if let variant = d.variant { details["variant"] = variant }
                if let index = d.index { details["index"] = index }
                if let os = d.os { details["os"] = os }
                if let size = d.sizeMB { details["size_mb"] = size }
                if let p = d.python { details["python"] = p }
                if let cuda = d.cuda { details["cuda"] = cuda }
                if !details.isEmpty { entry["details"] = details }
            }
            choices[c.variable.name] = entry
        }
        if !r.apt.packages.isEmpty {
            choices["apt_packages"] = ["value": r.apt.packages, "reasons": reasons(r.apt.reasons), "alternatives": [String]()] as [String: Any]
        }
        return ["status": "resolved", "choices": choices, "warnings": warnings + r.warnings, "facts": facts ?? NSNull()]
    }

    public static func conflict(_ c: Conflict) -> String {
        let corrections: [[String: Any]] = c.corrections.map { k in
            ["text": CorrectionRenderer.text(k), "changes": k.changes.map { ch -> [String: Any] in
                ["source": ch.source, "from": ch.request, "to": CorrectionRenderer.requestText(ch.edit).map { $0 as Any } ?? NSNull()]
            }]
        }
        return render(["status": "conflict", "conflict": ["core": reasons(c.core), "corrections": corrections], "warnings": [String]()])
    }
}

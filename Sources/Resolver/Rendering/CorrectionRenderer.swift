import Rules

/// Writes corrections in the words of the files they edit: cog.yaml keys, requirement lines,
/// flags. The solver only says what changes; this is the one place that says how it reads.
public enum CorrectionRenderer {
    /// The request an edit leaves, as it would be written (`cuda: "12.1"`, `torch==2.1.2`); nil
    /// when the edit takes the request out.
    public static func requestText(_ edit: RequestEdit) -> String? {
        switch edit {
        case .setGPU(let on): "gpu: \(on)"
        case .setPython(let p): "python_version: \"\(p.text)\""
        case .setCUDA(let c, _): "cuda: \"\(c.text)\""
        case .setCuDNN(let c): "cudnn: \"\(c.text)\""
        case .setPackage(let name, let version, let local, _): "\(name)==\(version)" + (local.map { "+\($0)" } ?? "")
        case .removePackage, .dropFleetMember, .remove: nil
        }
    }

    /// One change in words: `lower torch to 2.1.2 (requirements.txt:1)`.
    public static func text(_ change: Correction.Change) -> String {
        let at = change.source
        switch change.edit {
        case .setGPU(let on): return "set gpu: \(on) (\(at))"
        case .setPython(let p): return "set python_version: \"\(p.text)\" (\(at))"
        case .setCUDA(let c, let was): return "set cuda: \"\(c.text)\" at \(at) (was \(was.text))"
        case .setCuDNN(let c): return "set cudnn: \"\(c.text)\" (\(at))"
        case .setPackage(let name, let version, _, let was):
            if let was, version.public_ > was.public_ { return "raise \(name) to \(version) (\(at))" }
            if let was, version.public_ < was.public_ { return "lower \(name) to \(version) (\(at))" }
            return "change \(change.request) to \(requestText(change.edit)!) (\(at))"
        case .removePackage: return "remove \(change.request) (\(at))"
        case .dropFleetMember: return "drop \(change.request) from the fleet"
        case .remove: return "remove \(change.request) at \(at)"
        }
    }

    /// The whole correction: its changes, what stays, and what it resolves to.
    public static func text(_ c: Correction) -> String {
        var out = c.changes.map(text).joined(separator: " and ")
        if !c.stays.isEmpty { out += " (\(c.stays.joined(separator: ", ")) stays)" }
        if !c.outcome.isEmpty { out += ": resolves to " + c.outcome.map { "\($0.variable) \($0.value)" }.joined(separator: ", ") }
        return out
    }
}

import Rules

/// Checks the keys of cog.yaml against the keys of Cog's releases (`rules/cog-yaml.yaml`), so
/// that a file written for any release from 0.9 on reads: an unknown key is an error naming the
/// nearest one; a key cogpack ignores, or does not apply yet, is a warning at its line.
struct CogConfigKeys {
    let schema: CogYAMLSchema

    /// The entries of the mapping at `path` by name, every known key included (the caller reads
    /// the ones it applies). YAML null is an empty mapping, as Cog reads it.
    func section(_ v: YAMLValue, at path: String, warnings: inout [InputWarning]) throws -> [String: YAMLValue] {
        guard v.kind != .null else { return [:] }
        var out: [String: YAMLValue] = [:]
        for entry in try v.entries(Self.describe(path)) {
            let key = try known(entry, in: path)
            guard out[entry.key] == nil else {
                throw InputError(entry.keyProvenance, "key \(LineText.quoted(entry.key)) appears twice in \(Self.describe(path)); keep one")
            }
            out[entry.key] = entry.value
            switch key.use {
            case .applied, .label:
                continue
            case .ignored:
                let releases = key.until == nil ? "" : " (\(key.releases))"
                warnings.append(InputWarning(entry.keyProvenance, "\(key.path) is ignored\(releases): \(key.message)"))
            case .notApplied:
                warnings.append(InputWarning(entry.keyProvenance, "\(key.path) is accepted, but cogpack does not apply it yet: \(key.message)"))
            }
            // Nobody reads what is under an ignored key, but a typo there is still a typo.
            try check(entry.value, at: key.path)
        }
        return out
    }

    /// The keys of every mapping under `path`, where the schema lists them.
    func check(_ v: YAMLValue, at path: String) throws {
        // Below the deepest listed mapping anything goes (the items of tests): no need to walk it.
        guard schema.keys.contains(where: { $0.parent.hasPrefix(path) }) else { return }
        switch v.kind {
        case .mapping:
            guard !schema.keys(in: path).isEmpty else { return }
            for entry in try v.entries(Self.describe(path)) {
                try check(entry.value, at: try known(entry, in: path).path)
            }
        case .sequence:
            for item in try v.sequence(Self.describe(path)) { try check(item, at: path + "[]") }
        default:
            return
        }
    }

    private func known(_ entry: YAMLValue.Entry, in path: String) throws -> CogYAMLKey {
        let full = path.isEmpty ? entry.key : "\(path).\(entry.key)"
        if let key = schema.key(full) { return key }
        let nearest = schema.suggestion(for: entry.key, in: path).map { " (did you mean '\($0)'?)" } ?? ""
        let current = schema.keys(in: path).filter { $0.until == nil }.map(\.name)
        throw InputError(entry.keyProvenance, "unknown key \(LineText.quoted(entry.key)) in \(Self.describe(path))\(nearest); Cog's keys there: \(current.joined(separator: ", "))")
    }

    /// `build.run[]` → "an entry of build.run", for messages.
    static func describe(_ path: String) -> String {
        if path.isEmpty { return "cog.yaml" }
        if path.hasSuffix("[]") { return "an entry of \(path.dropLast(2))" }
        return path
    }
}

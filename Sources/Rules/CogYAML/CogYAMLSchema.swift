/// The keys of cog.yaml over Cog's releases (`rules/cog-yaml.yaml`), looked up by the mapping
/// that holds them.
public struct CogYAMLSchema: Sendable {
    public static let file = "rules/cog-yaml.yaml"
    public let keys: [CogYAMLKey]

    public init(keys: [CogYAMLKey]) { self.keys = keys }

    public func key(_ path: String) -> CogYAMLKey? { keys.first { $0.path == path } }

    /// The keys a mapping at `parent` may hold, in the file's order; empty when the schema does
    /// not list them (any key goes there).
    public func keys(in parent: String) -> [CogYAMLKey] { keys.filter { $0.parent == parent } }

    /// The key of that mapping nearest to a misspelled one, when close enough to be a typo.
    public func suggestion(for word: String, in parent: String) -> String? {
        YAMLValue.closest(word, in: keys(in: parent).map(\.name))
    }

    /// Reads the file, rejecting unknown fields, keys listed twice, keys whose mapping is not
    /// listed, and releases out of order, each with its line.
    public static func parse(_ doc: YAMLValue) throws -> CogYAMLSchema {
        let top = try doc.mapping("the cog.yaml keys file", allowed: ["keys"])
        guard let list = top["keys"] else { throw doc.fail("the cog.yaml keys file needs a 'keys:' list") }
        var keys: [CogYAMLKey] = []
        for item in try list.sequence("keys") {
            let m = try item.mapping("a cog.yaml key", allowed: ["key", "since", "until", "use", "message"])
            guard let path = try m["key"]?.line("key"), let sinceNode = m["since"],
                  let useText = try m["use"]?.string("use"), let message = try m["message"]?.line("message"), !message.isEmpty else {
                throw item.fail("a cog.yaml key needs key, since, use and message")
            }
            guard let use = CogYAMLKey.Use(rawValue: useText) else {
                throw m["use"]!.fail("use must be one of \(CogYAMLKey.Use.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let since = try release(sinceNode, "since")
            let until = try m["until"].map { try release($0, "until") }
            if let until, until <= since { throw m["until"]!.fail("until \(until) must be a later release than since \(since)") }
            let key = CogYAMLKey(path: path, since: since, until: until, use: use, message: message, source: item.provenance)
            if let first = keys.first(where: { $0.path == path }) {
                throw item.fail("key \(path) is listed twice (first at \(first.source))")
            }
            // `a[].b` lives in the items of `a`: the list itself must be listed.
            let holder = key.parent.hasSuffix("[]") ? String(key.parent.dropLast(2)) : key.parent
            if !holder.isEmpty, !keys.contains(where: { $0.path == holder }) {
                throw item.fail("key \(path) is inside \(holder), which is not listed above it")
            }
            keys.append(key)
        }
        return CogYAMLSchema(keys: keys)
    }

    private static func release(_ v: YAMLValue, _ what: String) throws -> DottedVersion {
        let text = try v.versionText(what)
        guard let d = DottedVersion(text), d.parts.count == 3 else {
            throw v.fail("\(what) must be a release of Cog such as \"0.14.4\", found \(LineText.quoted(text))")
        }
        return d
    }
}

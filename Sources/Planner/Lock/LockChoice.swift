import Rules

/// One choice of the resolver a lock was made for, as `key=value`: the Python, the CUDA (or
/// `none`), the framework's variant (`cu121`, `cpu`, or `none`), each framework pin, the cog SDK.
/// The lock compiles with these as constraints, so a lock made for CUDA 12.1 holds CUDA 12.1
/// wheels; a build whose resolution chooses otherwise (new rules, another machine's facts, a
/// cog.yaml edit) cannot use it.
public struct LockChoice: Sendable, Hashable {
    public let key: String
    public let value: String
    /// The line of the lock file it was read from; not part of equality.
    public var line: Int?

    public init(_ key: String, _ value: String, line: Int? = nil) {
        self.key = key
        self.value = value
        self.line = line
    }

    public static func == (a: LockChoice, b: LockChoice) -> Bool { a.key == b.key && a.value == b.value }
    public func hash(into h: inout Hasher) {
        h.combine(key)
        h.combine(value)
    }

    /// The keys a lock records, in the order it writes them.
    static let keys = ["python", "cuda", "variant", "framework", "cog"]

    /// What `resolved` chose.
    static func of(_ resolved: Resolved, kb: KnowledgeBase) throws -> [LockChoice] {
        var out = [LockChoice("python", resolved.python), LockChoice("cuda", resolved.resolution.cuda?.description ?? "none")]
        let leads = kb.frameworks.compactMap { f in resolved.resolution.package(f.lead) }
        let variants = leads.compactMap { $0.row?.variant ?? $0.assumed?.variant }
        out.append(LockChoice("variant", variants.isEmpty ? "none" : variants.joined(separator: ",")))
        out += resolved.frameworkPins(kb).map { LockChoice("framework", $0) }
        out.append(LockChoice("cog", try CogRuntimeBlock.version(resolved).description))
        return out
    }
}

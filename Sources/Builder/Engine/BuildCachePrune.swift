import Foundation

/// `POST /build/prune` (Engine API 1.39 on; what `docker builder prune` sends): BuildKit's cache
/// records that no build uses now. The engine's build cache is one for every build it runs, ours
/// and `docker build`'s alike; the API has no filter by who made a record.
public struct BuildCachePrune: Sendable, Equatable {
    /// Every unused record, not only the dangling ones (`docker builder prune -a`): without it
    /// BuildKit keeps the records that are shared or that a result still points to.
    public var all: Bool
    /// Keep this many bytes of cache (the least recently used go first).
    public var keepStorage: Int64?
    /// Only records unused for this long: a Go duration (`24h`, `90m`), as the 20.10 engine
    /// parses the `until` filter.
    public var until: String?

    public init(all: Bool = false, keepStorage: Int64? = nil, until: String? = nil) {
        self.all = all
        self.keepStorage = keepStorage
        self.until = until
    }

    /// The request's path with its query.
    public var path: String {
        var query = ["all=\(all ? "1" : "0")"]
        if let keepStorage { query.append("keep-storage=\(keepStorage)") }
        if let until { query.append("filters=\(EngineAPI.query(EngineFilters.json(["until": [until]])))") }
        return "/build/prune?" + query.joined(separator: "&")
    }

    /// `{"CachesDeleted": [ID…] | null, "SpaceReclaimed": N}`.
    public static func parse(_ body: Data) throws -> Pruned {
        guard let o = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw PruneError(call: "POST /build/prune", engine: "", message: "the answer is not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        let ids = (o["CachesDeleted"] as? [Any] ?? []).compactMap { $0 as? String }
        return Pruned(removed: ids, bytes: (o["SpaceReclaimed"] as? NSNumber)?.int64Value ?? 0)
    }
}

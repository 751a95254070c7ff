import Foundation

/// `POST /images/prune` with the `dangling` filter (what `docker image prune` sends): images with
/// no name and no child, such as the one a rebuild under the same name left behind. Narrowed by
/// `label` to the images cogpack made or built on its bases, so that other tools' dangling images stay.
public struct DanglingImagePrune: Sendable, Equatable {
    /// `KEY` or `KEY=VALUE`: only images carrying this label.
    public var label: String?
    /// Only images created before this: a duration (`24h`) or a timestamp, as the engine reads it.
    public var until: String?

    public init(label: String? = nil, until: String? = nil) {
        self.label = label
        self.until = until
    }

    public var path: String {
        var filters = ["dangling": ["true"]]
        if let label { filters["label"] = [label] }
        if let until { filters["until"] = [until] }
        return "/images/prune?filters=\(EngineAPI.query(EngineFilters.json(filters)))"
    }

    /// `{"ImagesDeleted": [{"Untagged": REF} | {"Deleted": ID}…] | null, "SpaceReclaimed": N}`:
    /// the removed images are the `Deleted` entries (an `Untagged` one only drops a name).
    public static func parse(_ body: Data) throws -> Pruned {
        guard let o = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw PruneError(call: "POST /images/prune", engine: "", message: "the answer is not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        let entries = o["ImagesDeleted"] as? [Any] ?? []
        let ids = entries.compactMap { ($0 as? [String: Any])?["Deleted"] as? String }
        return Pruned(removed: ids, bytes: (o["SpaceReclaimed"] as? NSNumber)?.int64Value ?? 0)
    }
}

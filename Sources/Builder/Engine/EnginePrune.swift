import Foundation

extension EngineAPI {
    /// Removes unused build cache; the engine may take minutes on a large cache.
    public func prune(_ request: BuildCachePrune) async throws -> Pruned {
        try await prune(call: "POST /build/prune", path: request.path, parse: BuildCachePrune.parse)
    }

    /// Removes dangling images.
    public func prune(_ request: DanglingImagePrune) async throws -> Pruned {
        try await prune(call: "POST /images/prune", path: request.path, parse: DanglingImagePrune.parse)
    }

    private func prune(call: String, path: String, parse: (Data) throws -> Pruned) async throws -> Pruned {
        let r: Response
        do {
            r = try await request("POST", path, timeout: 900)
        } catch {
            throw PruneError(call: call, engine: "\(endpoint)", message: "\(error)")
        }
        guard r.status == 200 else { throw PruneError.refused(call, engine: "\(endpoint)", status: r.status, body: r.body) }
        do {
            return try parse(r.body)
        } catch let e as PruneError {
            throw PruneError(call: e.call, engine: "\(endpoint)", message: e.message)
        }
    }
}

import Foundation

/// What one prune call of the Engine API removed: the records (build cache records, or image
/// IDs) and the bytes the engine says it reclaimed.
public struct Pruned: Sendable, Equatable {
    public let removed: [String]
    public let bytes: Int64

    public init(removed: [String], bytes: Int64) {
        self.removed = removed
        self.bytes = bytes
    }
}

/// Why a prune did not happen: which call, on which engine, and the engine's own words.
public struct PruneError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `POST /build/prune`, `POST /images/prune`.
    public let call: String
    public let engine: String
    public let message: String

    public var description: String { "\(call) on the engine at \(engine) failed: \(message)" }

    /// The engine's answer to a refused call: its JSON `message`, else the start of the body.
    static func refused(_ call: String, engine: String, status: Int, body: Data) -> PruneError {
        let message = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["message"] as? String
            ?? String(decoding: body.prefix(300), as: UTF8.self)
        return PruneError(call: call, engine: engine, message: "status \(status): \(message)")
    }
}

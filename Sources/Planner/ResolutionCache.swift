import Foundation
import Resolver
import Rules

/// Resolutions kept on disk, keyed by everything that decides them: the requests (what, and
/// where each was written), the rules data's identity, and the cogpack build. A rebuild after a
/// source edit then skips the solver; any change of requests or rules solves again. Conflicts
/// are never kept: they are cheap to find again and must show current corrections.
public struct ResolutionCache: Sendable {
    public let directory: URL
    /// Identifies the rules data and the cogpack binary.
    public let salt: String

    public init(directory: URL, salt: String) {
        self.directory = directory
        self.salt = salt
    }

    func key(_ requests: [Request]) -> String {
        var text = salt
        for r in requests { text += "\n\(r.kind)|\(r.source)|\(r.text)|\(r.explicit)" }
        return Self.hash(text)
    }

    /// FNV-1a, twice with different seeds: a file name, not a security boundary.
    static func hash(_ text: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h = seed
            for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            return h
        }
        return String(fnv(0xcbf29ce484222325), radix: 16) + String(fnv(0x84222325cbf29ce4), radix: 16)
    }

    public func resolve(_ requests: [Request], with resolver: Resolver) throws -> Outcome {
        let file = directory.appendingPathComponent(key(requests) + ".json")
        if let data = FileManager.default.contents(atPath: file.path),
           let cached = try? JSONDecoder().decode(Resolution.self, from: data) {
            return .resolved(cached)
        }
        let outcome = try resolver.resolve(requests)
        if case .resolved(let resolution) = outcome, let data = try? JSONEncoder().encode(resolution) {
            // Written whole or not at all; a failure to cache is not a failure to build.
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? data.write(to: file, options: .atomic)
        }
        return outcome
    }
}

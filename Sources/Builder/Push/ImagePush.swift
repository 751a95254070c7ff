import Foundation
import NIOCore
import NIOHTTP1

/// What the engine says while it pushes an image, typed. Its stream is one JSON object a line:
/// `{"status": "Pushing", "id": LAYER, "progressDetail": {"current", "total"}}` per layer, the
/// final `{"aux": {"Tag", "Digest", "Size"}}`, or `{"errorDetail": {"message"}}`. A layer's id
/// is the first 12 hex digits of its diff ID (the digest of its uncompressed tar).
public enum PushEvent: Sendable, Equatable {
    /// The repository the engine pushes to, as it names it.
    case repository(String)
    case layer(id: String, LayerState)
    /// The manifest the registry now holds for the tag.
    case manifest(tag: String, digest: String, size: Int)

    public enum LayerState: Sendable, Equatable {
        case preparing, waiting
        /// Bytes of the layer's tar read for upload so far (the engine compresses them as it
        /// sends), of `total`.
        case pushing(current: Int64, total: Int64?)
        case pushed
        /// The registry has the blob already: nothing is sent.
        case exists
        /// The registry copied the blob from another of its repositories: nothing is sent.
        case mounted(from: String)
        case other(String)
    }
}

/// Splits the engine's push stream into lines and lines into events; the first error ends it.
public struct PushStreamParser: Sendable {
    private var pending = Data()
    public private(set) var error: String?

    public init() {}

    public mutating func feed(_ data: Data) -> [PushEvent] {
        pending.append(data)
        var events: [PushEvent] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = pending[pending.startIndex..<newline]
            pending = pending[pending.index(after: newline)...]
            if let e = parse(Data(line)) { events.append(e) }
        }
        return events
    }

    /// What is left once the stream ends (a last line without its line feed).
    public mutating func finish() -> [PushEvent] {
        defer { pending = Data() }
        return parse(pending).map { [$0] } ?? []
    }

    private mutating func parse(_ line: Data) -> PushEvent? {
        guard let o = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else { return nil }
        if let detail = o["errorDetail"] as? [String: Any], let message = detail["message"] as? String {
            if error == nil { error = message }
            return nil
        }
        if let message = o["error"] as? String {
            if error == nil { error = message }
            return nil
        }
        if let aux = o["aux"] as? [String: Any], let digest = aux["Digest"] as? String {
            return .manifest(tag: aux["Tag"] as? String ?? "", digest: digest, size: (aux["Size"] as? NSNumber)?.intValue ?? 0)
        }
        guard let status = o["status"] as? String else { return nil }
        guard let id = o["id"] as? String, !id.isEmpty else {
            if status.hasPrefix("The push refers to repository ["), status.hasSuffix("]") {
                return .repository(String(status.dropFirst("The push refers to repository [".count).dropLast()))
            }
            return nil
        }
        let detail = o["progressDetail"] as? [String: Any] ?? [:]
        switch status {
        case "Preparing": return .layer(id: id, .preparing)
        case "Waiting": return .layer(id: id, .waiting)
        case "Pushing":
            let current = (detail["current"] as? NSNumber)?.int64Value ?? 0
            let total = (detail["total"] as? NSNumber)?.int64Value
            return .layer(id: id, .pushing(current: current, total: total.flatMap { $0 > 0 ? $0 : nil }))
        case "Pushed": return .layer(id: id, .pushed)
        case "Layer already exists": return .layer(id: id, .exists)
        default:
            if status.hasPrefix("Mounted from ") { return .layer(id: id, .mounted(from: String(status.dropFirst("Mounted from ".count)))) }
            return .layer(id: id, .other(status))
        }
    }
}

/// Why a push did not happen, in words a user can act on.
public enum PushError: Error, CustomStringConvertible, Sendable {
    /// The engine has no image by that name.
    case noImage(String)
    /// The registry refused the login (or wanted one and got none).
    case unauthorized(registry: String, message: String, credentials: String)
    /// The registry could not be reached or did not speak the registry API.
    case unreachable(registry: String, message: String)
    /// The engine could not be reached, or it refused the request.
    case engine(String)
    /// Anything else the engine reported during the push.
    case failed(registry: String, message: String)

    public var description: String {
        switch self {
        case .noImage(let name): "the engine has no image \(name); build it with `cogpack build -t \(name)`, or tag one with `docker tag`"
        case .unauthorized(let registry, let message, let credentials):
            "registry \(registry) refused the push (\(message)); cogpack used \(credentials); log in with `docker login \(registry)` or fix that login"
        case .unreachable(let registry, let message):
            // The engine checks a registry's certificate against the system's roots and
            // /etc/docker/certs.d/HOST:PORT/ca.crt (moby daemon/pkg/registry CertsDir), on its own machine.
            message.contains("x509:")
                ? "registry \(registry) cannot be reached: \(message); if the registry's CA is your own, put it at /etc/docker/certs.d/\(registry)/ca.crt on the engine's machine"
                : "registry \(registry) cannot be reached: \(message)"
        case .engine(let message): message
        case .failed(let registry, let message): "pushing to \(registry) failed: \(message)"
        }
    }

    /// Sorts the engine's error message: a refused login, an unreachable registry, or another failure.
    static func classify(_ message: String, registry: String, credentials: String) -> PushError {
        let m = message.lowercased()
        let login = ["unauthorized", "authentication required", "no basic auth credentials", "denied", "incorrect username or password"]
        if login.contains(where: m.contains) {
            return .unauthorized(registry: registry, message: message, credentials: credentials)
        }
        let network = ["dial tcp", "no such host", "connection refused", "i/o timeout", "timeout", "network is unreachable",
                       "server gave http response to https client", "x509:", "tls:", "connection reset", "eof", "404 page not found",
                       "does not appear to be a v2 registry", "ping attempt failed"]
        if network.contains(where: m.contains) {
            return .unreachable(registry: registry, message: message)
        }
        return .failed(registry: registry, message: message)
    }
}

/// What a push did: the manifest's digest, and each layer's outcome.
public struct PushResult: Sendable {
    public let reference: String
    public let digest: String
    public let manifestSize: Int
    public let layers: [Layer]
    public let seconds: Double

    public struct Layer: Sendable, Equatable {
        public let id: String
        public enum Outcome: Sendable, Equatable { case pushed, exists, mounted(from: String) }
        public let outcome: Outcome
        /// Bytes of the layer read for upload (0 when the registry had it).
        public let bytes: Int64
    }

    /// Bytes read for upload over every layer: what crossed to the registry, before compression.
    public var bytesPushed: Int64 { layers.reduce(0) { $0 + $1.bytes } }
}

/// Pushes an image of the engine to its registry through `POST /images/{name}/push`; the
/// engine does the registry protocol (and keeps which blobs each registry has, so that a layer
/// pushed once is not sent again: "Layer already exists").
public struct ImagePusher: Sendable {
    public let engine: EngineAPI

    public init(engine: EngineAPI) { self.engine = engine }

    /// The registry of a name, as messages name it.
    public static func registry(of reference: ImageReference) -> String {
        guard let domain = reference.domain, !DockerConfig.isHub(host: domain) else { return ImageReference.defaultDomain }
        return domain
    }

    /// Pushes `reference` (a tag; "latest" when it names none). `onEvent` gets every event as
    /// the engine reports it, on an event loop.
    public func push(_ reference: ImageReference, credentials: RegistryCredentials,
                     onEvent: @escaping @Sendable (PushEvent) -> Void = { _ in }) async throws -> PushResult {
        let started = Date()
        let registry = Self.registry(of: reference)
        let repository = (reference.domain.map { "\($0)/" } ?? "") + reference.path
        let tag = reference.tag ?? "latest"
        let name = "\(repository):\(tag)"
        // Asked first: the engine's own answer for a missing image comes after the push started.
        do {
            guard try await engine.inspect(image: name) != nil else { throw PushError.noImage(name) }
        } catch let e as PushError {
            throw e
        } catch {
            throw PushError.engine("\(error)")
        }
        // The tag is always given: without it the engine pushes every tag of the repository.
        let path = "/images/\(Self.pathEncoded(repository))/push?tag=\(EngineAPI.query(tag))"
        let state = StreamState()
        let status: Int
        do {
            status = try await EngineHTTP.stream(engine.endpoint, method: .POST, path: path,
                                                 headers: [("X-Registry-Auth", credentials.header)]) { part in
                for event in state.feed(Data(part.readableBytesView)) { onEvent(event) }
            }
        } catch {
            throw PushError.engine("\(error)")
        }
        for event in state.finish() { onEvent(event) }
        let outcome = state.snapshot()
        guard status == 200 else {
            let message = ((try? JSONSerialization.jsonObject(with: outcome.body)) as? [String: Any])?["message"] as? String
                ?? String(decoding: outcome.body.prefix(300), as: UTF8.self)
            throw PushError.engine("the engine refused to push \(name) (\(status)): \(message)")
        }
        if let error = outcome.error {
            throw PushError.classify(error, registry: registry, credentials: credentials.origin)
        }
        guard let manifest = outcome.manifest else {
            throw PushError.failed(registry: registry, message: "the engine ended the push of \(name) without a manifest digest")
        }
        return PushResult(reference: name, digest: manifest.digest, manifestSize: manifest.size, layers: outcome.layers,
                          seconds: Date().timeIntervalSince(started))
    }

    /// The name in the request path: its characters are the reference grammar's, but an IPv6
    /// registry's brackets.
    static func pathEncoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~/:"))) ?? s
    }

    /// The stream's state; parts come on an event loop, one at a time, and the push reads it at the end.
    private final class StreamState: @unchecked Sendable {
        private let lock = NSLock()
        private var parser = PushStreamParser()
        private var body = Data()
        private var order: [String] = []
        private var last: [String: PushEvent.LayerState] = [:]
        private var bytes: [String: Int64] = [:]
        private var manifest: (digest: String, size: Int)?

        func feed(_ data: Data) -> [PushEvent] {
            lock.withLock {
                // Kept for a refusal's message (the engine answers those with a JSON object).
                if body.count < 64 << 10 { body.append(data.prefix((64 << 10) - body.count)) }
                return record(parser.feed(data))
            }
        }

        func finish() -> [PushEvent] { lock.withLock { record(parser.finish()) } }

        private func record(_ events: [PushEvent]) -> [PushEvent] {
            for e in events {
                switch e {
                case .layer(let id, let s):
                    if last[id] == nil { order.append(id) }
                    last[id] = s
                    if case .pushing(let current, _) = s { bytes[id] = max(bytes[id] ?? 0, current) }
                case .manifest(_, let digest, let size): manifest = (digest, size)
                case .repository: break
                }
            }
            return events
        }

        func snapshot() -> (body: Data, error: String?, manifest: (digest: String, size: Int)?, layers: [PushResult.Layer]) {
            lock.withLock {
                let layers = order.compactMap { id -> PushResult.Layer? in
                    switch last[id] {
                    case .pushed?: PushResult.Layer(id: id, outcome: .pushed, bytes: bytes[id] ?? 0)
                    case .exists?: PushResult.Layer(id: id, outcome: .exists, bytes: bytes[id] ?? 0)
                    case .mounted(let from)?: PushResult.Layer(id: id, outcome: .mounted(from: from), bytes: bytes[id] ?? 0)
                    default: nil
                    }
                }
                return (body, parser.error, manifest, layers)
            }
        }
    }
}

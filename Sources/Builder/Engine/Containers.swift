import Foundation
import NIOCore
import NIOHTTP1

/// Running a model's image: create, start, inspect, logs, stop and remove a container through
/// the Engine API (what `cogpack predict` and `cogpack serve` need; no docker CLI).
extension EngineAPI {
    public struct ContainerSpec: Sendable {
        public var image: String
        public var name: String?
        /// The container port to publish (Cog's server listens on 5000); nil publishes none.
        public var port: Int? = 5000
        /// The host port; nil lets the engine choose a free one.
        public var hostPort: Int?
        /// Where the published port listens on the engine's host.
        public var hostIP = "127.0.0.1"
        public var env: [String] = []
        /// The command instead of the image's (its entrypoint stays); nil keeps the image's.
        public var cmd: [String]?
        /// Every GPU of the host (`--gpus all`).
        public var gpus = false
        public var labels: [String: String] = [:]
        /// The engine removes the container once it has stopped.
        public var autoRemove = false

        public init(image: String, name: String? = nil) {
            self.image = image
            self.name = name
        }
    }

    public struct ContainerState: Sendable {
        public let running: Bool
        public let exitCode: Int
        /// The host port the container's published port got, once it runs.
        public let hostPort: Int?
        /// The container's address on the engine's bridge network.
        public let ipAddress: String?
        public let error: String?
    }

    private func json(_ r: Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: r.body) as? [String: Any]) ?? [:]
    }

    private func message(_ r: Response) -> String {
        (json(r)["message"] as? String) ?? String(decoding: r.body.prefix(400), as: UTF8.self)
    }

    /// Creates the container; returns its id (a missing image is the engine's 404, in the error).
    public func createContainer(_ spec: ContainerSpec) async throws -> String {
        var host: [String: Any] = ["AutoRemove": spec.autoRemove]
        var body: [String: Any] = ["Image": spec.image, "Env": spec.env, "Labels": spec.labels]
        if let port = spec.port.map({ "\($0)/tcp" }) {
            host["PortBindings"] = [port: [["HostIp": spec.hostIP, "HostPort": spec.hostPort.map(String.init) ?? ""]]]
            body["ExposedPorts"] = [port: [String: Any]()]
        }
        if spec.gpus { host["DeviceRequests"] = [["Driver": "", "Count": -1, "Capabilities": [["gpu"]]]] }
        body["HostConfig"] = host
        if let cmd = spec.cmd { body["Cmd"] = cmd }
        var path = "/containers/create"
        if let name = spec.name { path += "?name=\(Self.query(name))" }
        let r = try await request("POST", path, data: try JSONSerialization.data(withJSONObject: body), contentType: "application/json")
        guard r.status == 201, let id = json(r)["Id"] as? String else {
            throw TransportError("creating a container of \(spec.image) failed (\(r.status)): \(message(r))")
        }
        return id
    }

    public func startContainer(_ id: String) async throws {
        let r = try await request("POST", "/containers/\(Self.query(id))/start")
        guard r.status == 204 || r.status == 304 else {
            throw TransportError("starting the container failed (\(r.status)): \(message(r))")
        }
    }

    public func inspectContainer(_ id: String) async throws -> ContainerState {
        let r = try await request("GET", "/containers/\(Self.query(id))/json")
        guard r.status == 200 else { throw TransportError("inspecting the container failed (\(r.status)): \(message(r))") }
        let o = json(r)
        let state = o["State"] as? [String: Any] ?? [:]
        let network = o["NetworkSettings"] as? [String: Any] ?? [:]
        let ports = network["Ports"] as? [String: Any] ?? [:]
        let hostPort = ((ports.values.compactMap { $0 as? [[String: Any]] }.first)?.first?["HostPort"] as? String).flatMap(Int.init)
        let ip = (network["IPAddress"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        let error = (state["Error"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return ContainerState(running: state["Running"] as? Bool ?? false, exitCode: state["ExitCode"] as? Int ?? 0,
                              hostPort: hostPort, ipAddress: ip, error: error)
    }

    /// Everything the container wrote so far, stdout and stderr interleaved as written.
    public func containerLogs(_ id: String, tail: Int? = nil) async throws -> String {
        let r = try await request("GET", "/containers/\(Self.query(id))/logs?stdout=1&stderr=1" + (tail.map { "&tail=\($0)" } ?? ""))
        guard r.status == 200 else { throw TransportError("reading the container's logs failed (\(r.status)): \(message(r))") }
        var demux = LogDemultiplexer()
        return demux.feed(r.body).map { String(decoding: $0.data, as: UTF8.self) }.joined()
    }

    /// Follows the container's output until it ends: `onOutput` gets each piece with whether it
    /// came from stderr.
    public func followLogs(_ id: String, onOutput: @escaping @Sendable (Data, Bool) -> Void) async throws {
        let demux = LockedDemultiplexer()
        let status = try await EngineHTTP.stream(endpoint, method: .GET, path: "/containers/\(Self.query(id))/logs?stdout=1&stderr=1&follow=1") { part in
            let frames = demux.feed(Data(part.readableBytesView))
            for f in frames { onOutput(f.data, f.stderr) }
        }
        guard status == 200 else { throw TransportError("following the container's logs failed (\(status))") }
    }

    /// Stops the container (SIGTERM, then SIGKILL after `seconds`).
    public func stopContainer(_ id: String, seconds: Int = 5) async throws {
        let r = try await request("POST", "/containers/\(Self.query(id))/stop?t=\(seconds)", timeout: TimeInterval(seconds + 30))
        guard [204, 304, 404].contains(r.status) else { throw TransportError("stopping the container failed (\(r.status)): \(message(r))") }
    }

    /// Removes the container, running or not, with its anonymous volumes.
    public func removeContainer(_ id: String) async throws {
        let r = try await request("DELETE", "/containers/\(Self.query(id))?force=1&v=1", timeout: 60)
        guard [204, 404].contains(r.status) else { throw TransportError("removing the container failed (\(r.status)): \(message(r))") }
    }
}

/// The engine's log stream of a container without a TTY: frames of an 8-byte header (stream
/// type, three zero bytes, a big-endian length) and that many bytes. Frames may span reads.
struct LogDemultiplexer: Sendable {
    private var pending = Data()

    struct Frame { let stderr: Bool; let data: Data }

    mutating func feed(_ data: Data) -> [Frame] {
        pending.append(data)
        var frames: [Frame] = []
        while pending.count >= 8 {
            let bytes = [UInt8](pending.prefix(8))
            guard bytes[0] <= 2, bytes[1] == 0, bytes[2] == 0, bytes[3] == 0 else {
                // Not multiplexed (a TTY container): the bytes as they are.
                frames.append(Frame(stderr: false, data: pending))
                pending = Data()
                return frames
            }
            let length = Int(bytes[4]) << 24 | Int(bytes[5]) << 16 | Int(bytes[6]) << 8 | Int(bytes[7])
            guard pending.count >= 8 + length else { break }
            let start = pending.startIndex
            frames.append(Frame(stderr: bytes[0] == 2, data: pending.subdata(in: (start + 8)..<(start + 8 + length))))
            pending = pending.subdata(in: (start + 8 + length)..<pending.endIndex)
        }
        return frames
    }
}

/// The demultiplexer of a followed log; parts come on an event loop, one at a time.
final class LockedDemultiplexer: @unchecked Sendable {
    private let lock = NSLock()
    private var demux = LogDemultiplexer()

    func feed(_ data: Data) -> [LogDemultiplexer.Frame] {
        lock.lock()
        defer { lock.unlock() }
        return demux.feed(data)
    }
}

/// Cog's HTTP API of a running model (`/health-check`, `/openapi.json`, `/predictions`), at the
/// address a container's published port has.
public struct CogServer: Sendable {
    public let endpoint: BuilderAddress.Endpoint
    /// A prediction's answer holds its file outputs as data URLs: it may be large.
    public static let maxAnswer = 1 << 30

    public init(host: String, port: Int) {
        endpoint = .tcp(host: host, port: port)
    }

    public struct Answer: Sendable {
        public let status: Int
        public let body: Data
    }

    private func call(_ method: HTTPMethod, _ path: String, body: Data? = nil, timeout: TimeInterval) async throws -> Answer {
        let hostHeader: String
        if case .tcp(let host, let port, _) = endpoint { hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" } else { hostHeader = "localhost" }
        let r = try await EngineHTTP.request(endpoint, method: method, path: path, contentType: body == nil ? nil : "application/json",
                                             data: body, host: hostHeader, timeout: .milliseconds(Int64(timeout * 1000)), limit: Self.maxAnswer)
        return Answer(status: r.status, body: Data(r.body.readableBytesView))
    }

    /// `GET /health-check`; nil while nothing answers yet.
    public func health() async -> [String: Any]? {
        guard let a = try? await call(.GET, "/health-check", timeout: 5), a.status == 200 else { return nil }
        return try? JSONSerialization.jsonObject(with: a.body) as? [String: Any]
    }

    public func openAPI() async throws -> Answer { try await call(.GET, "/openapi.json", timeout: 30) }

    /// `POST /predictions` (or `/trainings`) with `{"input": ...}` as JSON; waits for the answer.
    public func predict(_ request: Data, path: String = "/predictions", timeout: TimeInterval = 24 * 3600) async throws -> Answer {
        try await call(.POST, path, body: request, timeout: timeout)
    }

    /// `POST /predictions` asking for server-sent events (`Accept: text/event-stream`), which
    /// Cog's server sends for a model marked `@cog.streaming`: `onEvent` gets each event as it
    /// comes (`start`, `output`, `log`, `metric`, `completed`). Returns the status and, when the
    /// answer is not a stream (406 for a model that does not stream, 422, 409), its body.
    public func predictStreaming(_ request: Data, path: String = "/predictions",
                                 onEvent: @escaping @Sendable (ServerSentEvents.Event) -> Void) async throws -> Answer {
        let state = StreamState()
        let hostHeader: String
        if case .tcp(let host, let port, _) = endpoint { hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" } else { hostHeader = "localhost" }
        let status = try await EngineHTTP.stream(endpoint, method: .POST, path: path, host: hostHeader,
                                                 headers: [("Accept", "text/event-stream")], data: request,
                                                 onHead: { state.setStatus($0) }) { part in
            for event in state.feed(Data(part.readableBytesView)) { onEvent(event) }
        }
        return Answer(status: status, body: state.body)
    }
}

/// What a streamed answer has brought so far: its events, or its body when it is not a stream.
private final class StreamState: @unchecked Sendable {
    private let lock = NSLock()
    private var status = 0
    private var events = ServerSentEvents()
    private var other = Data()

    func setStatus(_ s: Int) { lock.withLock { status = s } }

    func feed(_ data: Data) -> [ServerSentEvents.Event] {
        lock.withLock {
            guard status == 200 else {
                if other.count < 1 << 20 { other.append(data) }
                return []
            }
            return events.feed(data)
        }
    }

    var body: Data { lock.withLock { other } }
}

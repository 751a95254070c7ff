import Foundation

/// Where BuildKit answers: the Docker engine's socket (its embedded BuildKit, reached through the
/// `/grpc` and `/session` upgrades), or a standalone buildkitd speaking gRPC directly.
public enum BuilderAddress: Equatable, CustomStringConvertible, Sendable {
    case engine(Endpoint)
    case buildkitd(Endpoint)

    public enum Endpoint: Equatable, Sendable, CustomStringConvertible {
        case unix(String)
        case tcp(host: String, port: Int)

        public var description: String {
            switch self {
            case .unix(let path): "unix://\(path)"
            case .tcp(let host, let port): "tcp://\(host):\(port)"
            }
        }

        static func parse(_ text: String) -> Endpoint? {
            if text.hasPrefix("unix://") { return .unix(String(text.dropFirst(7))) }
            if text.hasPrefix("tcp://") {
                let rest = text.dropFirst(6)
                guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else { return nil }
                return .tcp(host: String(rest[..<colon]), port: port)
            }
            if text.hasPrefix("/") { return .unix(text) }
            return nil
        }
    }

    public var description: String {
        switch self {
        case .engine(let e): "the Docker engine at \(e)"
        case .buildkitd(let e): "buildkitd at \(e)"
        }
    }

    /// The engine named by `DOCKER_HOST`, else the default socket.
    public static func defaultEngine(environment: [String: String] = ProcessInfo.processInfo.environment) -> BuilderAddress {
        if let host = environment["DOCKER_HOST"], let e = Endpoint.parse(host) { return .engine(e) }
        return .engine(.unix("/var/run/docker.sock"))
    }

    /// `--builder`: `docker` (or `docker://ADDR`) for an engine, `unix://…` or `tcp://…` for buildkitd.
    public static func parse(_ text: String) -> BuilderAddress? {
        if text == "docker" { return defaultEngine() }
        if text.hasPrefix("docker://") { return Endpoint.parse(String(text.dropFirst(9))).map { .engine($0) } }
        return Endpoint.parse(text).map { .buildkitd($0) }
    }

    public var endpoint: Endpoint {
        switch self {
        case .engine(let e), .buildkitd(let e): e
        }
    }
}

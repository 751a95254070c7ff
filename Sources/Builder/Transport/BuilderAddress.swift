import Foundation

/// Where BuildKit answers: the Docker engine's socket (its embedded BuildKit, reached through the
/// `/grpc` and `/session` upgrades), or a standalone buildkitd speaking gRPC directly.
public enum BuilderAddress: Equatable, CustomStringConvertible, Sendable {
    case engine(Endpoint)
    case buildkitd(Endpoint)

    public static let defaultSocket = "/var/run/docker.sock"

    public enum Endpoint: Equatable, Sendable, CustomStringConvertible {
        case unix(String)
        /// With `tls`, every connection (API calls and both upgrades) is TLS; without it, plain
        /// TCP, which only an address without TLS settings gives (never a fallback).
        case tcp(host: String, port: Int, tls: EngineTLS? = nil)

        public var description: String {
            switch self {
            case .unix(let path): "unix://\(path)"
            case .tcp(let host, let port, _): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
            }
        }

        /// The same address with TLS settings; a unix socket has none.
        func with(tls: EngineTLS?) -> Endpoint {
            guard case .tcp(let host, let port, _) = self else { return self }
            return .tcp(host: host, port: port, tls: tls)
        }

        public var host: String? {
            if case .tcp(let host, _, _) = self { return host }
            return nil
        }

        public var tls: EngineTLS? {
            if case .tcp(_, _, let tls) = self { return tls }
            return nil
        }

        /// `unix://PATH`, `/PATH` or `tcp://HOST:PORT`; `defaultPort` is used when a tcp
        /// address has none (the engine's 2375, as the docker CLI does).
        static func parse(_ text: String, setting: String, defaultPort: Int?) throws -> Endpoint {
            let fail = { (message: String) in Invalid(setting: setting, message: message) }
            if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw fail("holds a control character (U+\(String(bad.value, radix: 16, uppercase: true))); write unix:///var/run/docker.sock or tcp://HOST:PORT")
            }
            if text.hasPrefix("unix://") || text.hasPrefix("/") {
                let path = text.hasPrefix("/") ? text : String(text.dropFirst(7))
                guard path.hasPrefix("/") else { throw fail("\(quote(text)) needs an absolute socket path, such as unix:///var/run/docker.sock") }
                // A Unix socket address holds at most 107 bytes and a final NUL.
                guard path.utf8.count < 108 else { throw fail("the socket path is \(path.utf8.count) bytes; a Unix socket path is at most 107") }
                return .unix(path)
            }
            if text.hasPrefix("tcp://") {
                return try tcp(String(text.dropFirst(6)), text: text, defaultPort: defaultPort, fail: fail)
            }
            let scheme = text.range(of: "://").map { String(text[..<$0.lowerBound]) }
            switch scheme {
            case "ssh":
                throw fail("\(quote(text)): ssh:// is not supported; use tcp://HOST:PORT with TLS (--tls-ca, --tls-cert, --tls-key, or DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), or forward the engine's socket (ssh -NL /tmp/docker.sock:/var/run/docker.sock HOST) and use unix:///tmp/docker.sock")
            case "npipe":
                throw fail("\(quote(text)): npipe:// is for Windows engines; use unix:///var/run/docker.sock or tcp://HOST:PORT")
            case "http", "https", "fd":
                throw fail("\(quote(text)): \(scheme ?? ""):// is not supported; use tcp://HOST:PORT (with --tls-ca, --tls-cert, --tls-key for TLS) or unix://PATH")
            case .some(let other):
                throw fail("\(quote(text)): the scheme '\(quote(other, bare: true))' is not one of unix://, tcp://; write unix:///var/run/docker.sock or tcp://HOST:PORT")
            case nil:
                throw fail("\(quote(text)) is not an address; write unix:///var/run/docker.sock or tcp://HOST:PORT")
            }
        }

        private static func tcp(_ rest: String, text: String, defaultPort: Int?, fail: (String) -> Invalid) throws -> Endpoint {
            var hostPart = Substring(rest), portPart: Substring?
            if rest.hasPrefix("[") {
                // [IPv6]:PORT
                guard let close = rest.firstIndex(of: "]") else { throw fail("\(quote(text)) opens '[' without closing it; write tcp://[::1]:1234") }
                hostPart = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if !after.isEmpty {
                    guard after.hasPrefix(":") else { throw fail("\(quote(text)) has text after ']' that is not :PORT") }
                    portPart = after.dropFirst()
                }
            } else if let colon = rest.lastIndex(of: ":") {
                hostPart = rest[..<colon]
                portPart = rest[rest.index(after: colon)...]
            }
            let hostAllowed = hostPart.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_:".unicodeScalars.contains($0))
            }
            guard !hostPart.isEmpty, hostAllowed else {
                throw fail("\(quote(text)) has no host name; write tcp://HOST:PORT, such as tcp://127.0.0.1:2375")
            }
            let port: Int
            if let portPart {
                guard !portPart.isEmpty, portPart.allSatisfy(\.isASCII), let p = Int(portPart), (1...65535).contains(p) else {
                    throw fail("\(quote(text)) has port \(quote(String(portPart))); a port is a number from 1 to 65535")
                }
                port = p
            } else if let defaultPort {
                port = defaultPort
            } else {
                throw fail("\(quote(text)) has no port; write tcp://HOST:PORT, such as tcp://127.0.0.1:1234")
            }
            return .tcp(host: String(hostPart), port: port)
        }
    }

    /// An address that cannot be used, with the setting it came from (`DOCKER_HOST`, `--builder`).
    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        public let setting: String
        public let message: String
        public var description: String { "\(setting): \(message)" }
    }

    public var description: String {
        switch self {
        case .engine(let e): "the Docker engine at \(e)"
        case .buildkitd(let e): "buildkitd at \(e)"
        }
    }

    /// The engine named by `DOCKER_HOST`, else the default socket. An empty `DOCKER_HOST` is
    /// unset, as for the docker CLI; any other value must be an address this client can use.
    /// `tls` (the TLS flags) replaces the TLS of the environment (`DockerTLSEnvironment`).
    public static func defaultEngine(tls: EngineTLS? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BuilderAddress {
        guard let host = environment["DOCKER_HOST"], !host.isEmpty else {
            return try engine(.unix(defaultSocket), tls: tls, environment: environment)
        }
        return try engine(try Endpoint.parse(host, setting: "DOCKER_HOST", defaultPort: 2375), tls: tls, environment: environment)
    }

    /// `--builder`: `docker` (or `docker://ADDR`) for an engine, `unix://…` or `tcp://…` for buildkitd.
    public static func parse(_ text: String, tls: EngineTLS? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BuilderAddress {
        if text == "docker" { return try defaultEngine(tls: tls, environment: environment) }
        if text.hasPrefix("docker://") {
            return try engine(try Endpoint.parse(String(text.dropFirst(9)), setting: "--builder", defaultPort: 2375), tls: tls, environment: environment)
        }
        let endpoint: Endpoint
        do {
            endpoint = try Endpoint.parse(text, setting: "--builder", defaultPort: nil)
        } catch let e as Invalid where !text.contains("://") && !text.hasPrefix("/") {
            throw Invalid(setting: e.setting, message: "\(quote(text)) is not a builder; write docker, docker://unix:///PATH, unix:///PATH or tcp://HOST:PORT")
        }
        if tls != nil {
            throw Invalid(setting: "--tls-ca, --tls-cert, --tls-key", message: "TLS is for a Docker engine over tcp:// (--builder docker://tcp://HOST:PORT); a standalone buildkitd over TLS is not supported")
        }
        return .buildkitd(endpoint)
    }

    /// An engine at `endpoint` with the TLS of the flags, else of the environment. The flags on
    /// a unix socket are a mistake worth saying; the environment's TLS is ignored there, as
    /// the docker CLI ignores it.
    private static func engine(_ endpoint: Endpoint, tls: EngineTLS?, environment: [String: String]) throws -> BuilderAddress {
        switch endpoint {
        case .unix:
            if tls != nil {
                throw Invalid(setting: "--tls-ca, --tls-cert, --tls-key", message: "the engine at \(endpoint) is a unix socket, which carries no TLS; the TLS flags are for tcp://HOST:PORT")
            }
            return .engine(endpoint)
        case .tcp:
            return .engine(endpoint.with(tls: tls ?? DockerTLSEnvironment.settings(environment)))
        }
    }

    /// A tcp:// engine without TLS: allowed, as for the docker CLI, but worth a warning.
    public var isUnencryptedTCP: Bool {
        if case .engine(.tcp(_, _, nil)) = self { return true }
        return false
    }

    public var endpoint: Endpoint {
        switch self {
        case .engine(let e), .buildkitd(let e): e
        }
    }

    /// A value as an error shows it: quoted, at most 80 characters.
    static func quote(_ s: String, bare: Bool = false) -> String {
        let short = s.count > 80 ? String(s.prefix(77)) + "…" : s
        return bare ? short : "'\(short)'"
    }
}

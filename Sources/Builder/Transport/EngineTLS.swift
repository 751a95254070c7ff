import Foundation

/// TLS with an engine over tcp://: the files to present and to trust, and whether the engine's
/// certificate is checked. A value of paths only: the files are read when a connection is made
/// (`EngineTLSContext`), after `check()` has made sure, before anything is sent, that they can be.
public struct EngineTLS: Hashable, Sendable, CustomStringConvertible {
    /// The CA that must have signed the engine's certificate; nil: the system's roots.
    public var ca: String?
    /// Our certificate and its key (both or neither), for an engine that asks for one.
    public var cert: String?
    public var key: String?
    /// False only for the Docker CLI's `DOCKER_TLS` without `DOCKER_TLS_VERIFY`: encrypted, but
    /// any certificate is taken.
    public var verifyServer: Bool
    /// Where the settings came from, as errors name them: `--tls-ca`, `DOCKER_CERT_PATH`, ….
    public var names: Names

    public struct Names: Hashable, Sendable {
        public var ca: String
        public var cert: String
        public var key: String

        public static let flags = Names(ca: "--tls-ca", cert: "--tls-cert", key: "--tls-key")
        public static let environment = Names(ca: "DOCKER_CERT_PATH", cert: "DOCKER_CERT_PATH", key: "DOCKER_CERT_PATH")
    }

    public init(ca: String?, cert: String?, key: String?, verifyServer: Bool = true, names: Names = .flags) {
        self.ca = ca
        self.cert = cert
        self.key = key
        self.verifyServer = verifyServer
        self.names = names
    }

    public var description: String {
        var parts: [String] = []
        if let ca { parts.append("CA \(ca) (\(names.ca))") }
        if let cert { parts.append("client certificate \(cert) (\(names.cert))") }
        if !verifyServer { parts.append("server certificate not verified") }
        return parts.isEmpty ? "TLS" : parts.joined(separator: ", ")
    }

    /// A file that cannot be used, with the setting that named it: bad input (exit 2).
    public struct FileProblem: Error, Equatable, Sendable, CustomStringConvertible {
        public let setting: String
        public let message: String
        public var description: String { "\(setting): \(message)" }
    }

    /// Reads every file as a connection will, so that a missing, unreadable or malformed one is
    /// an error naming its setting before the engine is contacted.
    public func check() throws {
        _ = try EngineTLSContext.make(self)
    }
}

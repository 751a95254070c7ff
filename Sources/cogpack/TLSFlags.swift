import ArgumentParser
import Builder
import Foundation

/// `--tls-ca`, `--tls-cert`, `--tls-key`: TLS with an engine at docker://tcp://HOST:PORT, as the
/// docker CLI's `--tlscacert`, `--tlscert`, `--tlskey` with `--tlsverify`. Given, they replace
/// the TLS of the environment (`DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`).
struct TLSFlags: ParsableArguments {
    @Option(name: .customLong("tls-ca"), help: "With a tcp:// engine: trust only this CA for the engine's certificate (PEM).", completion: .file())
    var ca: String?
    @Option(name: .customLong("tls-cert"), help: "With a tcp:// engine: our client certificate (PEM), for an engine started with --tlsverify.", completion: .file())
    var cert: String?
    @Option(name: .customLong("tls-key"), help: "The key of --tls-cert (PEM, not encrypted).", completion: .file())
    var key: String?

    /// The settings, or nil when no flag is given.
    var settings: EngineTLS? {
        guard ca != nil || cert != nil || key != nil else { return nil }
        return EngineTLS(ca: ca, cert: cert, key: key, verifyServer: true, names: .flags)
    }
}

import Foundation

/// The TLS settings the Docker CLI takes from its environment, read as it reads them, so that a
/// shell set up for `docker` (docker-machine's `env`, a CI's variables) works with cogpack:
///
/// - `DOCKER_TLS_VERIFY` non-empty: TLS, and the engine's certificate is verified
///   (docker/cli cli/flags/options.go: `os.Getenv(client.EnvTLSVerify) != ""`; any value, even
///   "0", counts).
/// - `DOCKER_TLS` non-empty, without `DOCKER_TLS_VERIFY`: TLS without verifying the engine's
///   certificate (same file: `tlsOptions.InsecureSkipVerify = !o.TLSVerify`). It can only turn
///   TLS on, never off.
/// - Neither: no TLS, even for a tcp:// `DOCKER_HOST` and even when `DOCKER_CERT_PATH` is set
///   (the CLI turns TLS on only through those two or its flags; moby's `client.FromEnv`, used by
///   other tools, differs: there `DOCKER_CERT_PATH` alone turns it on).
/// - `DOCKER_CERT_PATH`: the folder of `ca.pem`, `cert.pem`, `key.pem`; unset or empty, the
///   CLI's config folder (`DOCKER_CONFIG`, else `~/.docker`) (options.go, `InstallFlags`).
/// - `cert.pem` and `key.pem` are dropped when absent (options.go, `SetDefaultOptions`:
///   `os.IsNotExist` resets them): no client certificate then. `ca.pem` is read whenever TLS is
///   on (cli/context/tlsdata.go `TLSDataFromFiles`; a missing one is an error) and, when given,
///   is the only root trusted (cli/context/docker/load.go builds a new pool from it alone).
///   cogpack reads it only when it verifies: without verification it would not be used.
/// - Unix sockets carry no TLS: the settings apply to tcp:// hosts only (load.go, `isSocket`).
/// - A tcp:// host without a port gets 2375 with or without TLS (docker/cli opts/hosts.go
///   `ParseTCPAddr(host, defaultTCPHost)`; 2376 is only for an empty `-H` with TLS on).
public enum DockerTLSEnvironment {
    public static let caFile = "ca.pem"
    public static let certFile = "cert.pem"
    public static let keyFile = "key.pem"

    /// The TLS the environment asks for, or nil for none. `exists` is asked for `cert.pem` and
    /// `key.pem`, which are dropped when absent.
    public static func settings(_ environment: [String: String],
                                exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> EngineTLS? {
        let verify = !(environment["DOCKER_TLS_VERIFY"] ?? "").isEmpty
        let on = verify || !(environment["DOCKER_TLS"] ?? "").isEmpty
        guard on else { return nil }
        let folder = certFolder(environment)
        let path = { (name: String) in (folder as NSString).appendingPathComponent(name) }
        let cert = path(certFile), key = path(keyFile)
        return EngineTLS(ca: verify ? path(caFile) : nil,
                         cert: exists(cert) ? cert : nil,
                         key: exists(key) ? key : nil,
                         verifyServer: verify, names: .environment)
    }

    /// `DOCKER_CERT_PATH`, else the CLI's config folder.
    public static func certFolder(_ environment: [String: String]) -> String {
        if let dir = environment["DOCKER_CERT_PATH"], !dir.isEmpty { return dir }
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty { return dir }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".docker")
    }

    /// Why a tcp:// connection without TLS is what the user asked for, for the warning that
    /// it is not encrypted.
    public static func plaintextReason(_ environment: [String: String]) -> String {
        if let dir = environment["DOCKER_CERT_PATH"], !dir.isEmpty {
            return "DOCKER_CERT_PATH is set but neither DOCKER_TLS_VERIFY nor --tls-ca/--tls-cert/--tls-key is, so TLS is off as for the docker CLI"
        }
        return "no --tls-ca/--tls-cert/--tls-key and no DOCKER_TLS_VERIFY"
    }
}

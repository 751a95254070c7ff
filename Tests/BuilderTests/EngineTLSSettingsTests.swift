import Foundation
import XCTest

@testable import Builder

/// How an engine address gets its TLS: the flags, else the docker CLI's environment
/// (`DockerTLSEnvironment`), and where TLS is refused.
final class EngineTLSSettingsTests: XCTestCase {
    private let flags = EngineTLS(ca: "/f/ca.pem", cert: "/f/cert.pem", key: "/f/key.pem")

    private func environmentTLS(ca: String?, cert: String?, key: String?, verify: Bool = true) -> EngineTLS {
        EngineTLS(ca: ca, cert: cert, key: key, verifyServer: verify, names: .environment)
    }

    func testDockerTLSVerifyTurnsTLSOnWithTheFilesOfTheCertPath() {
        let env = ["DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs"]
        XCTAssertEqual(DockerTLSEnvironment.settings(env, exists: { _ in true }),
                       environmentTLS(ca: "/certs/ca.pem", cert: "/certs/cert.pem", key: "/certs/key.pem"))
        // Any non-empty value counts, "0" too, as for the docker CLI; empty is unset.
        XCTAssertNotNil(DockerTLSEnvironment.settings(["DOCKER_TLS_VERIFY": "0"], exists: { _ in true }))
        XCTAssertNil(DockerTLSEnvironment.settings(["DOCKER_TLS_VERIFY": "", "DOCKER_CERT_PATH": "/certs"], exists: { _ in true }))
        // cert.pem and key.pem are dropped when absent; ca.pem is kept (and must be there).
        XCTAssertEqual(DockerTLSEnvironment.settings(env, exists: { _ in false }), environmentTLS(ca: "/certs/ca.pem", cert: nil, key: nil))
    }

    func testDockerTLSAloneEncryptsWithoutVerifying() {
        XCTAssertEqual(DockerTLSEnvironment.settings(["DOCKER_TLS": "1", "DOCKER_CERT_PATH": "/c"], exists: { _ in true }),
                       environmentTLS(ca: nil, cert: "/c/cert.pem", key: "/c/key.pem", verify: false))
    }

    func testTheCertPathDefaultsToTheConfigFolder() {
        XCTAssertEqual(DockerTLSEnvironment.certFolder(["DOCKER_CONFIG": "/cfg", "HOME": "/h"]), "/cfg")
        XCTAssertEqual(DockerTLSEnvironment.certFolder(["HOME": "/h"]), "/h/.docker")
        XCTAssertEqual(DockerTLSEnvironment.certFolder(["DOCKER_CERT_PATH": "", "HOME": "/h"]), "/h/.docker")
    }

    func testATCPHostWithoutTLSVariablesIsPlainAndSaysSo() throws {
        let address = try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": "tcp://10.0.0.2:2376", "DOCKER_CERT_PATH": "/c"])
        XCTAssertEqual(address, .engine(.tcp(host: "10.0.0.2", port: 2376)))
        XCTAssertTrue(address.isUnencryptedTCP)
        XCTAssertTrue(DockerTLSEnvironment.plaintextReason(["DOCKER_CERT_PATH": "/c"]).contains("DOCKER_TLS_VERIFY"))
        XCTAssertFalse(try BuilderAddress.defaultEngine(environment: [:]).isUnencryptedTCP)
    }

    func testTheEnvironmentGivesATCPEngineItsTLS() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-env-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["cert.pem", "key.pem"] { FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()) }
        let env = ["DOCKER_HOST": "tcp://engine.example:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": dir.path]
        let expected = BuilderAddress.engine(.tcp(host: "engine.example", port: 2376, tls: environmentTLS(
            ca: dir.appendingPathComponent("ca.pem").path, cert: dir.appendingPathComponent("cert.pem").path,
            key: dir.appendingPathComponent("key.pem").path)))
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: env), expected)
        XCTAssertEqual(try BuilderAddress.parse("docker", environment: env), expected)
        XCTAssertFalse(try BuilderAddress.parse("docker", environment: env).isUnencryptedTCP)
        // --builder docker://tcp://… takes the environment's TLS too, as `docker -H` does.
        XCTAssertEqual(try BuilderAddress.parse("docker://tcp://engine.example:2376", environment: env), expected)
        // A unix socket carries no TLS: the variables are ignored there, as by the docker CLI.
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": "unix:///run/d.sock", "DOCKER_TLS_VERIFY": "1"]),
                       .engine(.unix("/run/d.sock")))
        // Without a port: 2375, with TLS too (docker/cli opts/hosts.go).
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": "tcp://h", "DOCKER_TLS": "1"]).endpoint.description, "tcp://h:2375")
    }

    func testTheFlagsReplaceTheEnvironment() throws {
        let env = ["DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/c"]
        XCTAssertEqual(try BuilderAddress.parse("docker", tls: flags, environment: env), .engine(.tcp(host: "h", port: 2376, tls: flags)))
        XCTAssertEqual(try BuilderAddress.parse("docker://tcp://[::1]:9", tls: flags, environment: [:]), .engine(.tcp(host: "::1", port: 9, tls: flags)))
    }

    func testTLSFlagsOnAUnixSocketOrABuildkitdAreRefused() {
        for (text, env) in [("docker", [String: String]()), ("docker://unix:///run/d.sock", [:]), ("tcp://h:1234", [:]), ("unix:///run/bk.sock", [:])] {
            XCTAssertThrowsError(try BuilderAddress.parse(text, tls: flags, environment: env), text) { error in
                let e = error as? BuilderAddress.Invalid
                XCTAssertEqual(e?.setting, "--tls-ca, --tls-cert, --tls-key", text)
            }
        }
    }

    func testSSHIsRefusedWithTheWayToGo() {
        for (text, setting) in [("docker://ssh://user@host", "--builder")] {
            XCTAssertThrowsError(try BuilderAddress.parse(text, environment: [:])) { error in
                let e = error as? BuilderAddress.Invalid
                XCTAssertEqual(e?.setting, setting)
                XCTAssertTrue(e?.message.contains("ssh:// is not supported") ?? false, "\(error)")
                XCTAssertTrue(e?.message.contains("tcp://HOST:PORT with TLS") ?? false, "\(error)")
            }
        }
        XCTAssertThrowsError(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": "ssh://h"])) { error in
            XCTAssertEqual((error as? BuilderAddress.Invalid)?.setting, "DOCKER_HOST")
        }
    }

    func testFileProblemsNameTheirSetting() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-files-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let junk = dir.appendingPathComponent("junk.pem").path
        try "not a certificate\n".write(toFile: junk, atomically: true, encoding: .utf8)
        let cases: [(EngineTLS, String, String)] = [
            (EngineTLS(ca: "/nonexistent/ca.pem", cert: nil, key: nil), "--tls-ca", "no such file"),
            (EngineTLS(ca: junk, cert: nil, key: nil), "--tls-ca", "holds no PEM certificate"),
            (EngineTLS(ca: nil, cert: junk, key: nil), "--tls-cert", "needs its key"),
            (EngineTLS(ca: nil, cert: nil, key: junk), "--tls-key", "needs its client certificate"),
            (EngineTLS(ca: dir.path, cert: nil, key: nil), "--tls-ca", "is a folder"),
            (EngineTLS(ca: "/nonexistent/ca.pem", cert: nil, key: nil, names: .environment), "DOCKER_CERT_PATH", "no such file"),
        ]
        for (tls, setting, words) in cases {
            XCTAssertThrowsError(try tls.check(), "\(tls)") { error in
                let e = error as? EngineTLS.FileProblem
                XCTAssertEqual(e?.setting, setting, "\(error)")
                XCTAssertTrue(e?.message.contains(words) ?? false, "\(error)")
            }
        }
    }
}

import Foundation
import XCTest

/// A remote engine over TCP with mutual TLS: a second dockerd started here with `--tlsverify`
/// on a loopback port, with certificates made here by openssl. A build through it (the engine API
/// calls, the /grpc and /session upgrades, all in TLS) makes the image in that engine; the
/// environment of the docker CLI does what the flags do; certificates of another CA, on either
/// side, fail in one line naming the address and the files, within seconds.
final class RemoteEngineTLSTests: XCTestCase {
    override func setUpWithError() throws {
        // A refused connection may close a pipe under a write: an error, not the end of the test.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Whether this machine's engine answers: the base image comes from it when it does, and
    /// the build through it is the measure the TLS build is compared with. The test does not
    /// need it otherwise.
    private var localEngineAnswers: Bool {
        (try? CLI.shell("curl -fsS --max-time 3 --unix-socket /var/run/docker.sock http://docker/_ping").status) == 0
    }

    /// Debian's docker client (20.10, as the engines).
    static let docker = "/usr/bin/docker"
    static let hello = CLI.repo.appendingPathComponent("examples/hello").path

    private func environment(_ extra: [String: String], dropping: [String] = []) -> [String: String] {
        var env = CLI.environment(extra)
        for name in ["DOCKER_HOST", "DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"] + dropping where extra[name] == nil {
            env[name] = nil
        }
        return env
    }

    /// Runs cogpack and the seconds it took.
    private func timed(_ arguments: [String], environment env: [String: String]? = nil) throws -> (CLI.Result, Double) {
        let started = Date()
        let r = try CLI.run(arguments, environment: env ?? environment([:]))
        return (r, Date().timeIntervalSince(started))
    }

    /// The error is one line (warnings aside); printed, so that the log shows what a user sees.
    private func oneLine(_ r: CLI.Result, _ file: StaticString = #filePath, _ line: UInt = #line) {
        print("exit \(r.status): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning:") }
        XCTAssertEqual(lines.count, 1, "one error line: \(r.stderr)", file: file, line: line)
    }

    func testABuildOverMutualTLSAndWhatIsRefused() throws {
        let authority = try TestCertificates(name: "engine", test: self)
        let server = try authority.issue("engine", server: true, names: ["IP:127.0.0.1", "DNS:localhost"])
        let client = try authority.issue("client", server: false)
        let other = try TestCertificates(name: "other", test: self)
        let stranger = try other.issue("stranger", server: false)
        let port = try TestRegistry.freePort()
        let listener = SecondEngine.TLSListener(port: port, ca: authority.ca, cert: server.cert, key: server.key)
        let b = try SecondEngine(test: self, tls: listener)
        let address = listener.address

        // The base image, from the machine's engine into the second one; made there by
        // `cogpack base` (debootstrap, under a minute) when this machine's engine has none.
        let local = localEngineAnswers
        if local, try CLI.shell("\(Self.docker) image inspect \(Engine.base) >/dev/null 2>&1").status == 0 {
            let load = try CLI.shell("\(Self.docker) save \(Engine.base) | \(Self.docker) -H \(b.host) load")
            XCTAssertEqual(load.status, 0, load.stderr)
            guard load.status == 0 else { return }
        } else {
            let made = try CLI.run(["base"], environment: environment(["DOCKER_HOST": b.host]))
            XCTAssertEqual(made.status, 0, made.stderr)
            guard made.status == 0 else { return }
        }

        // The flags: the build succeeds and its image is in the TLS engine, not in this machine's.
        let tag = "cogpack-it-tls-hello:1"
        addTeardownBlock { _ = try? CLI.shell("\(Self.docker) rmi \(tag) >/dev/null 2>&1") }
        let flags = ["--builder", "docker://\(address)", "--tls-ca", authority.ca, "--tls-cert", client.cert, "--tls-key", client.key]
        let (built, coldSeconds) = try timed(["build", Self.hello, "-t", tag, "--progress", "plain"] + flags)
        XCTAssertEqual(built.status, 0, String(built.stderr.suffix(3000)) + "\nengine: " + b.log)
        guard built.status == 0 else { return }
        XCTAssertFalse(built.stderr.contains("without TLS"), built.stderr)
        XCTAssertEqual(try CLI.shell("\(Self.docker) -H \(b.host) image inspect \(tag) >/dev/null").status, 0, "the image is not in the TLS engine")
        if local {
            XCTAssertNotEqual(try CLI.shell("\(Self.docker) image inspect \(tag) >/dev/null 2>&1").status, 0, "the image went to the local engine")
        }
        // A build from the cache over TLS, and the same on the local engine (unix socket).
        let (again, tlsSeconds) = try timed(["build", Self.hello, "-t", tag, "--progress", "plain"] + flags)
        XCTAssertEqual(again.status, 0, String(again.stderr.suffix(2000)))
        var comparison = "no local engine to compare with"
        if local {
            let localTag = "cogpack-it-tls-local:1"
            addTeardownBlock { _ = try? CLI.shell("\(Self.docker) rmi \(localTag) >/dev/null 2>&1") }
            _ = try timed(["build", Self.hello, "-t", localTag, "--progress", "quiet"])
            let (localAgain, localSeconds) = try timed(["build", Self.hello, "-t", localTag, "--progress", "quiet"])
            XCTAssertEqual(localAgain.status, 0, localAgain.stderr)
            comparison = String(format: "local engine (unix socket) cached %.2f s", localSeconds)
        }
        print(String(format: "hello over mutual TLS: first build %.1f s, cached %.2f s; ", coldSeconds, tlsSeconds) + comparison)

        // The docker CLI's environment does what the flags do, with `--builder docker` (the
        // default) and the facts command.
        let certPath = try authority.certPath(ca: authority.ca, client: client, test: self)
        let onB = environment(["DOCKER_HOST": address, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certPath.path])
        let viaEnvironment = try CLI.run(["build", Self.hello, "-t", "cogpack-it-tls-hello:2", "--progress", "quiet"], environment: onB)
        XCTAssertEqual(viaEnvironment.status, 0, viaEnvironment.stderr)
        XCTAssertEqual(try CLI.shell("\(Self.docker) -H \(b.host) image inspect cogpack-it-tls-hello:2 >/dev/null").status, 0)
        // The session through Control.Session (on the TLS control connection) instead of /session.
        let tunnel = try CLI.run(["build", Self.hello, "-t", "cogpack-it-tls-hello:2", "--progress", "quiet", "--session", "tunnel"], environment: onB)
        XCTAssertEqual(tunnel.status, 0, tunnel.stderr)
        // A prediction: the container is made, started, followed and removed through the TLS
        // engine API (the model's own server answers plain HTTP on the published port).
        let predicted = try CLI.run(["predict", "--image", "cogpack-it-tls-hello:2", "-i", "name=tls"], environment: onB)
        XCTAssertEqual(predicted.status, 0, predicted.stderr + "\nengine: " + b.log)
        XCTAssertTrue(predicted.stdout.contains("hello, tls"), predicted.stdout + predicted.stderr)
        let facts = try CLI.run(["facts", "--json"], environment: onB)
        XCTAssertEqual(facts.status, 0, facts.stderr)
        XCTAssertTrue(facts.stdout.contains(address), facts.stdout)
        // localhost is in the certificate too (the name goes as SNI and is checked).
        let byName = try CLI.run(["facts", "--builder", "docker://tcp://localhost:\(port)", "--tls-ca", authority.ca,
                                  "--tls-cert", client.cert, "--tls-key", client.key], environment: environment([:]))
        XCTAssertEqual(byName.status, 0, byName.stderr)

        // A client certificate of another CA: the engine refuses it. Exit 1, one line, fast.
        let (refused, refusedSeconds) = try timed(["build", Self.hello, "-t", "cogpack-it-tls-no:1", "--builder", "docker://\(address)",
                                                   "--tls-ca", authority.ca, "--tls-cert", stranger.cert, "--tls-key", stranger.key])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        oneLine(refused)
        for part in [address, stranger.cert, "--tls-cert", "refused our client certificate"] {
            XCTAssertTrue(refused.stderr.contains(part), "\(part): \(refused.stderr)")
        }
        XCTAssertLessThan(refusedSeconds, 15, refused.stderr)

        // No client certificate at all.
        let anonymous = try CLI.run(["facts", "--builder", "docker://\(address)", "--tls-ca", authority.ca], environment: environment([:]))
        XCTAssertEqual(anonymous.status, 1, anonymous.stderr)
        oneLine(anonymous)
        XCTAssertTrue(anonymous.stderr.contains("requires a client certificate"), anonymous.stderr)

        // Our side trusts another CA: the engine's certificate is not trusted.
        let (distrust, distrustSeconds) = try timed(["build", Self.hello, "-t", "cogpack-it-tls-no:1", "--builder", "docker://\(address)",
                                                     "--tls-ca", other.ca, "--tls-cert", client.cert, "--tls-key", client.key])
        XCTAssertEqual(distrust.status, 1, distrust.stderr)
        oneLine(distrust)
        for part in [address, other.ca, "--tls-ca", "not signed by a CA we trust"] {
            XCTAssertTrue(distrust.stderr.contains(part), "\(part): \(distrust.stderr)")
        }
        XCTAssertLessThan(distrustSeconds, 15, distrust.stderr)
        // The same through the environment names DOCKER_CERT_PATH.
        let otherPath = try other.certPath(ca: other.ca, client: client, test: self)
        let envDistrust = try CLI.run(["facts"], environment: environment(["DOCKER_HOST": address, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": otherPath.path]))
        XCTAssertEqual(envDistrust.status, 1, envDistrust.stderr)
        oneLine(envDistrust)
        XCTAssertTrue(envDistrust.stderr.contains("DOCKER_CERT_PATH") && envDistrust.stderr.contains("not signed by a CA we trust"), envDistrust.stderr)

        // Plain TCP to the TLS port: asked for (no TLS settings), so tried with a warning, and
        // the engine's answer that it wants TLS is said as such.
        let plain = try CLI.run(["facts"], environment: environment(["DOCKER_HOST": address]))
        XCTAssertEqual(plain.status, 1, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("warning: the Docker engine at \(address) is reached without TLS"), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("wants TLS"), plain.stderr)
        oneLine(plain)

        // A certificate file that is not there is bad input: exit 2 naming the flag.
        let missing = try CLI.run(["build", Self.hello, "-t", "cogpack-it-tls-no:1", "--builder", "docker://\(address)",
                                   "--tls-ca", authority.ca, "--tls-cert", client.cert, "--tls-key", "/nonexistent/key.pem"])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        oneLine(missing)
        XCTAssertTrue(missing.stderr.contains("--tls-key") && missing.stderr.contains("/nonexistent/key.pem"), missing.stderr)
        XCTAssertNotEqual(try CLI.shell("\(Self.docker) -H \(b.host) image inspect cogpack-it-tls-no:1 >/dev/null 2>&1").status, 0)
    }

    /// A server started for one test, stopped at its end.
    private func serve(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \(command) >/dev/null 2>&1"]
        try process.run()
        addTeardownBlock {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private func waitForListener(_ port: Int) throws {
        for _ in 0..<50 {
            if try CLI.shell("bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(port)' 2>/dev/null").status == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("nothing listens on \(port)")
    }

    func testACertificateForAnotherNameAndAPortThatSaysNothingFailClearly() throws {
        let authority = try TestCertificates(name: "names", test: self)
        let elsewhere = try authority.issue("elsewhere", server: true, names: ["DNS:elsewhere.example"])
        let client = try authority.issue("client", server: false)
        let flags = ["--tls-ca", authority.ca, "--tls-cert", client.cert, "--tls-key", client.key]

        // A TLS server (openssl's) whose certificate, signed by our CA, names another host.
        let tlsPort = try TestRegistry.freePort()
        try serve("openssl s_server -accept 127.0.0.1:\(tlsPort) -cert '\(elsewhere.cert)' -key '\(elsewhere.key)' -www")
        try waitForListener(tlsPort)
        let mismatch = try CLI.run(["facts", "--builder", "docker://tcp://127.0.0.1:\(tlsPort)"] + flags, environment: environment([:]))
        XCTAssertEqual(mismatch.status, 1, mismatch.stderr)
        oneLine(mismatch)
        XCTAssertTrue(mismatch.stderr.contains("is not for 127.0.0.1") && mismatch.stderr.contains("tcp://127.0.0.1:\(tlsPort)"), mismatch.stderr)

        // A port that accepts and says nothing: no handshake, and no hang.
        let silentPort = try TestRegistry.freePort()
        try serve("python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
            + "s.bind((\"127.0.0.1\", \(silentPort))); s.listen(8); c=[s.accept() for _ in range(8)]; time.sleep(60)'")
        try waitForListener(silentPort)
        let (silent, seconds) = try timed(["facts", "--builder", "docker://tcp://127.0.0.1:\(silentPort)"] + flags)
        XCTAssertEqual(silent.status, 1, silent.stderr)
        oneLine(silent)
        XCTAssertTrue(silent.stderr.contains("no TLS handshake within 5 s"), silent.stderr)
        XCTAssertLessThan(seconds, 15)
    }
}

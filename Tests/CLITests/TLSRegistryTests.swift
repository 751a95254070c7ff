import Foundation
import XCTest

/// A registry with TLS, as a registry outside this machine has it: Debian's docker-registry in a
/// network namespace (an engine treats loopback registries as insecure and would not use TLS),
/// its certificate signed by a CA made here. The engine trusts that CA only through
/// `/etc/docker/certs.d/HOST:PORT/ca.crt` (moby daemon/pkg/registry/config.go `CertsDir`: a
/// fixed folder for a root engine, read at each push, no flag to move it); until then a push
/// fails on the certificate.
final class TLSRegistryTests: XCTestCase {
    static let docker = "/usr/bin/docker"

    override func setUpWithError() throws {
        signal(SIGPIPE, SIG_IGN)
    }

    /// `ca` trusted by every engine of this machine for `host` (a test address, used by no one
    /// else), until the test ends.
    private func trust(_ ca: String, for host: String) throws {
        let dir = URL(fileURLWithPath: "/etc/docker/certs.d/\(host)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ca, toPath: dir.appendingPathComponent("ca.crt").path)
    }

    func testAPushToARegistryWithTLSWorksOnceTheEngineTrustsItsCA() throws {
        let authority = try TestCertificates(name: "registry", test: self)
        let namespace = try NetworkNamespace(test: self)
        let served = try authority.issue("registry", server: true, names: ["IP:\(namespace.inside)"])
        let registry = try TestRegistry(test: self, tls: .init(namespace: namespace, cert: served.cert, key: served.key, ca: authority.ca))
        let engine = try SecondEngine(test: self)

        // A one-file image in the engine, named for the registry.
        let image = "\(registry.host)/tls/tiny:1"
        let content = authority.folder.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try "tiny\n".write(to: content.appendingPathComponent("hello.txt"), atomically: true, encoding: .utf8)
        let imported = try CLI.shell("tar -C '\(content.path)' -c hello.txt | \(Self.docker) -H \(engine.host) import - \(image)")
        XCTAssertEqual(imported.status, 0, imported.stderr)

        let config = try registry.dockerConfig(test: self)
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_HOST"] = engine.host
        env["DOCKER_CONFIG"] = config.path

        // Not trusted yet: the push fails, and says it is the certificate.
        let refused = try CLI.run(["push", image, "--progress", "plain"], environment: env)
        print("untrusted: exit \(refused.status): \(refused.stderr)")
        XCTAssertNotEqual(refused.status, 0, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("certificate"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("/etc/docker/certs.d/\(registry.host)/ca.crt"), refused.stderr)
        XCTAssertEqual(try registry.tags("tls/tiny"), [])

        try trust(authority.ca, for: registry.host)
        let pushed = try CLI.run(["push", image, "--progress", "plain"], environment: env)
        XCTAssertEqual(pushed.status, 0, pushed.stderr + "\nregistry: " + registry.log)
        XCTAssertEqual(try registry.tags("tls/tiny"), ["1"])
    }
}

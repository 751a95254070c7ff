import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A real OCI registry for a test: Debian's `docker-registry` (distribution 2.8) serving plain
/// HTTP on a free loopback port, with its storage in a temporary folder and an htpasswd login.
/// The engine treats 127.0.0.0/8 registries as insecure, so it pushes to it without TLS. The
/// registry stops and its folder goes when the test ends.
final class TestRegistry: @unchecked Sendable {
    let folder: URL
    let port: Int
    let user = "ps-pusher"
    let password = "ps-\(UUID().uuidString.prefix(12))"
    private let process = Process()
    /// Where it listens: a loopback address, or the inside of a network namespace with TLS.
    let address: String
    private let tls: TLS?

    /// TLS, for a registry in a network namespace (on loopback the engine would not use it).
    struct TLS {
        let namespace: NetworkNamespace
        let cert: String
        let key: String
        /// The CA that signed `cert`, for this test's own requests.
        let ca: String
    }

    var host: String { "\(address):\(port)" }
    private var url: String { tls == nil ? "http://\(host)" : "https://\(host)" }
    private var curlTrust: String { tls.map { "--cacert '\($0.ca)'" } ?? "" }

    init(test: XCTestCase, tls: TLS? = nil) throws {
        self.tls = tls
        for tool in ["docker-registry", "htpasswd"] where try CLI.shell("command -v \(tool)").status != 0 {
            XCTFail("\(tool) is not installed; run scripts/setup.sh")
            throw XCTSkip("no \(tool)")
        }
        let fm = FileManager.default
        folder = fm.temporaryDirectory.appendingPathComponent("ps-registry-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        // A namespace of its own has every port free.
        port = tls == nil ? try Self.freePort() : 5000
        address = tls?.namespace.inside ?? "127.0.0.1"
        let certificate = tls.map { "\n  tls:\n    certificate: \($0.cert)\n    key: \($0.key)" } ?? ""
        let login = try CLI.shell("htpasswd -Bbn '\(user)' '\(password)' > '\(folder.path)/htpasswd'")
        XCTAssertEqual(login.status, 0, login.stderr)
        try """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: \(folder.path)/data
        http:
          addr: \(address):\(port)\(certificate)
        auth:
          htpasswd:
            realm: cogpack-test
            path: \(folder.path)/htpasswd

        """.write(to: folder.appendingPathComponent("config.yml"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let serve = "docker-registry serve '\(folder.path)/config.yml'"
        process.arguments = ["-c", "exec \(tls?.namespace.run(serve) ?? serve) >'\(folder.path)/log' 2>&1"]
        try process.run()
        test.addTeardownBlock { [self] in stop() }
        // Ready when it asks for the login on the API's root.
        for _ in 0..<100 {
            if try CLI.shell("curl -s \(curlTrust) -o /dev/null -w '%{http_code}' \(url)/v2/").stdout == "401" { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("the registry did not start: \(log)")
        throw XCTSkip("no registry")
    }

    var log: String { (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// A port nobody listens on now: the kernel's choice for a socket bound to port 0.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `GET path` of the registry's API with the login; the body.
    func get(_ path: String, accept: String? = nil) throws -> String {
        let header = accept.map { "-H 'Accept: \($0)'" } ?? ""
        let r = try CLI.shell("curl -fsS \(curlTrust) -u '\(user):\(password)' \(header) '\(url)\(path)'")
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    /// The repositories of the registry's catalog.
    func catalog() throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(try get("/v2/_catalog").utf8)) as? [String: Any]
        return object?["repositories"] as? [String] ?? []
    }

    /// The tags of a repository; none when the registry does not know it.
    func tags(_ repository: String) throws -> [String] {
        let r = try CLI.shell("curl -sS \(curlTrust) -u '\(user):\(password)' '\(url)/v2/\(repository)/tags/list'")
        let object = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return object?["tags"] as? [String] ?? []
    }

    /// The digest the registry gives the manifest of a tag (its `Docker-Content-Digest`).
    func manifestDigest(_ repository: String, tag: String) throws -> String? {
        let accept = "application/vnd.docker.distribution.manifest.v2+json"
        let r = try CLI.shell("curl -fsS -I \(curlTrust) -u '\(user):\(password)' -H 'Accept: \(accept)' '\(url)/v2/\(repository)/manifests/\(tag)'")
        XCTAssertEqual(r.status, 0, r.stderr)
        for line in r.stdout.split(whereSeparator: \.isNewline) where line.lowercased().hasPrefix("docker-content-digest:") {
            return line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Bytes of every blob the registry stores: what pushes added to it.
    func storedBytes() throws -> Int64 {
        let blobs = folder.appendingPathComponent("data/docker/registry/v2/blobs").path
        guard FileManager.default.fileExists(atPath: blobs) else { return 0 }
        let r = try CLI.shell("find '\(blobs)' -type f -name data -printf '%s\\n' | awk '{s+=$1} END {print s+0}'")
        return Int64(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// A Docker config folder whose config.json is `object`.
    static func dockerConfig(_ object: [String: Any], test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ps-docker-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: object).write(to: dir.appendingPathComponent("config.json"))
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A config with this registry's login (or `password` instead) in its `auths`.
    func dockerConfig(password: String? = nil, test: XCTestCase) throws -> URL {
        let auth = Data("\(user):\(password ?? self.password)".utf8).base64EncodedString()
        return try Self.dockerConfig(["auths": [host: ["auth": auth]]], test: test)
    }
}

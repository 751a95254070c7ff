import Foundation
import XCTest

/// A certificate authority made with `openssl` for one test, and the certificates it signs:
/// an engine's (for 127.0.0.1 and localhost) and a client's, as `dockerd --tlsverify` and the
/// docker CLI use them. The folder goes when the test ends.
struct TestCertificates {
    let folder: URL
    var ca: String { folder.appendingPathComponent("ca.pem").path }
    private var caKey: String { folder.appendingPathComponent("ca-key.pem").path }

    /// A new CA named `name` in a folder of its own.
    init(name: String, test: XCTestCase) throws {
        let fm = FileManager.default
        folder = fm.temporaryDirectory.appendingPathComponent("tls-\(name)-\(UUID().uuidString.prefix(6))")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { [folder] in try? FileManager.default.removeItem(at: folder) }
        try run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=cogpack test CA \(name)' "
            + "-keyout '\(caKey)' -out '\(ca)'")
    }

    /// A certificate and key signed by this CA: `server` for an engine (serverAuth, the names
    /// given), else a client's (clientAuth). Returns (certificate, key) paths.
    func issue(_ name: String, server: Bool, names: [String] = []) throws -> (cert: String, key: String) {
        let cert = folder.appendingPathComponent("\(name).pem").path
        let key = folder.appendingPathComponent("\(name)-key.pem").path
        let request = folder.appendingPathComponent("\(name).csr").path
        let extensions = folder.appendingPathComponent("\(name).ext")
        var lines = ["extendedKeyUsage = \(server ? "serverAuth" : "clientAuth")"]
        if !names.isEmpty { lines.append("subjectAltName = \(names.joined(separator: ","))") }
        try (lines.joined(separator: "\n") + "\n").write(to: extensions, atomically: true, encoding: .utf8)
        try run("openssl req -newkey rsa:2048 -nodes -subj '/CN=\(name)' -keyout '\(key)' -out '\(request)'")
        try run("openssl x509 -req -in '\(request)' -CA '\(ca)' -CAkey '\(caKey)' -CAcreateserial -days 2 "
            + "-extfile '\(extensions.path)' -out '\(cert)'")
        return (cert, key)
    }

    /// A folder laid out as `DOCKER_CERT_PATH` wants it: ca.pem, cert.pem, key.pem.
    func certPath(ca: String, client: (cert: String, key: String), test: XCTestCase) throws -> URL {
        let fm = FileManager.default
        let dir = folder.appendingPathComponent("certpath-\(UUID().uuidString.prefix(6))")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try fm.copyItem(atPath: ca, toPath: dir.appendingPathComponent("ca.pem").path)
        try fm.copyItem(atPath: client.cert, toPath: dir.appendingPathComponent("cert.pem").path)
        try fm.copyItem(atPath: client.key, toPath: dir.appendingPathComponent("key.pem").path)
        return dir
    }

    private func run(_ command: String) throws {
        let r = try CLI.shell(command + " 2>&1")
        guard r.status == 0 else { throw SecondEngine.Failure(what: "\(command): \(r.stdout)") }
    }
}

import Basics
import Foundation
import XCTest
@testable import Builder

/// The parts of a push that need no engine: the engine's progress stream read into events, the
/// Docker config's logins looked up as the docker CLI does, and the header the engine decodes.
final class RegistryLoginTests: XCTestCase {
    func testThePushStreamBecomesEventsEvenWhenLinesAreSplit() {
        let stream = """
        {"status":"The push refers to repository [127.0.0.1:5000/ps/model]"}\r
        {"status":"Preparing","progressDetail":{},"id":"f1f3daaa5fe8"}\r
        {"status":"Waiting","progressDetail":{},"id":"0a1b2c3d4e5f"}\r
        {"status":"Pushing","progressDetail":{"current":542208,"total":169889640},"progress":"[>  ]","id":"f1f3daaa5fe8"}\r
        {"status":"Pushed","progressDetail":{},"id":"f1f3daaa5fe8"}\r
        {"status":"Layer already exists","progressDetail":{},"id":"0a1b2c3d4e5f"}\r
        {"status":"Mounted from ps/other","progressDetail":{},"id":"99aa88bb77cc"}\r
        {"status":"v1: digest: sha256:e13a size: 529"}\r
        {"progressDetail":{},"aux":{"Tag":"v1","Digest":"sha256:e13a","Size":529}}\r

        """
        var parser = PushStreamParser()
        var events: [PushEvent] = []
        // Parts cut at every 7th byte: a line may arrive in many reads.
        let bytes = Array(stream.utf8)
        for start in stride(from: 0, to: bytes.count, by: 7) {
            events += parser.feed(Data(bytes[start..<min(start + 7, bytes.count)]))
        }
        events += parser.finish()
        XCTAssertEqual(events, [
            .repository("127.0.0.1:5000/ps/model"),
            .layer(id: "f1f3daaa5fe8", .preparing),
            .layer(id: "0a1b2c3d4e5f", .waiting),
            .layer(id: "f1f3daaa5fe8", .pushing(current: 542_208, total: 169_889_640)),
            .layer(id: "f1f3daaa5fe8", .pushed),
            .layer(id: "0a1b2c3d4e5f", .exists),
            .layer(id: "99aa88bb77cc", .mounted(from: "ps/other")),
            .manifest(tag: "v1", digest: "sha256:e13a", size: 529),
        ])
        XCTAssertNil(parser.error)
    }

    func testTheFirstErrorOfTheStreamIsKeptAndSorted() {
        var parser = PushStreamParser()
        _ = parser.feed(Data("""
            {"status":"Preparing","progressDetail":{},"id":"f1f3daaa5fe8"}
            {"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}
            {"errorDetail":{"message":"later"},"error":"later"}

            """.utf8))
        XCTAssertEqual(parser.error, "unauthorized: authentication required")
        let login = PushError.classify("no basic auth credentials", registry: "r:1", credentials: "x")
        guard case .unauthorized = login else { return XCTFail("\(login)") }
        let network = PushError.classify("Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused", registry: "r:1", credentials: "x")
        guard case .unreachable = network else { return XCTFail("\(network)") }
        let other = PushError.classify("manifest invalid", registry: "r:1", credentials: "x")
        guard case .failed = other else { return XCTFail("\(other)") }
    }

    private func config(_ object: [String: Any]) throws -> (DockerConfig, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ps-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try JSONSerialization.data(withJSONObject: object).write(to: dir.appendingPathComponent("config.json"))
        let env = ["DOCKER_CONFIG": dir.path, "PATH": "/nonexistent"]
        return (try DockerConfig.load(environment: env), dir.appendingPathComponent("config.json").path)
    }

    func testAuthsEntriesAreFoundUnderTheKeysTheCLIWrites() throws {
        let (config, path) = try config(["auths": [
            "https://registry.example.com:5000/v1/": ["auth": Data("ann:p:w".utf8).base64EncodedString()],
            RegistryCredentials.hubAddress: ["auth": Data("hub:pw".utf8).base64EncodedString()],
            "tokens.example.com": ["identitytoken": "refresh-me"],
        ]])
        let env = ["PATH": "/nonexistent"]
        let own = try config.credentials(for: try ImageReference(parsing: "registry.example.com:5000/team/model:1"), environment: env)
        XCTAssertEqual(own.secret, .password(username: "ann", password: "p:w"))
        XCTAssertEqual(own.serverAddress, "registry.example.com:5000")
        XCTAssertTrue(own.origin.contains(path), own.origin)
        let hub = try config.credentials(for: try ImageReference(parsing: "team/model"), environment: env)
        XCTAssertEqual(hub.serverAddress, RegistryCredentials.hubAddress)
        XCTAssertEqual(hub.secret, .password(username: "hub", password: "pw"))
        let token = try config.credentials(for: try ImageReference(parsing: "tokens.example.com/m"), environment: env)
        XCTAssertEqual(token.secret, .identityToken("refresh-me"))
        let none = try config.credentials(for: try ImageReference(parsing: "other.example.com/m"), environment: env)
        XCTAssertNil(none.secret)
        XCTAssertEqual(none.origin, "no login for other.example.com in the auths of \(path)")
    }

    /// BuildKit asks the session by host as it dials it: Docker Hub as registry-1.docker.io,
    /// which configs key by the index address; other registries as host:port.
    func testBuildKitsHostNamesFindTheLoginsOfTheConfig() throws {
        let (config, _) = try config(["auths": [
            "https://registry.example.com:5000/v1/": ["auth": Data("ann:pw".utf8).base64EncodedString()],
            RegistryCredentials.hubAddress: ["auth": Data("hub:pw".utf8).base64EncodedString()],
        ]])
        let env = ["PATH": "/nonexistent"]
        XCTAssertEqual(try config.credentials(host: "registry.example.com:5000", environment: env).secret, .password(username: "ann", password: "pw"))
        XCTAssertEqual(try config.credentials(host: "registry-1.docker.io", environment: env).secret, .password(username: "hub", password: "pw"))
        XCTAssertNil(try config.credentials(host: "registry.example.com", environment: env).secret, "another port is another registry")
    }

    func testTheHeaderIsBase64URLOfTheEnginesAuthConfig() throws {
        let credentials = RegistryCredentials(serverAddress: "r.example.com", secret: .password(username: "u?>", password: "p~~~"), origin: "")
        XCTAssertFalse(credentials.header.contains("+") || credentials.header.contains("/"), credentials.header)
        let standard = credentials.header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let object = try JSONSerialization.jsonObject(with: try XCTUnwrap(Data(base64Encoded: standard))) as? [String: String]
        XCTAssertEqual(object, ["username": "u?>", "password": "p~~~", "serveraddress": "r.example.com"])
        XCTAssertEqual(RegistryCredentials(serverAddress: "r", secret: nil, origin: "").header, "e30=", "{} when there is no login")
    }

    func testAHelperNamedButMissingAndBadConfigsAreClearErrors() throws {
        let (helped, _) = try config(["credsStore": "ps-none", "credHelpers": ["r.example.com": "ps-own"]])
        XCTAssertEqual(helped.helper(for: "r.example.com")?.name, "ps-own", "credHelpers wins over credsStore")
        XCTAssertEqual(helped.helper(for: "other.example.com")?.name, "ps-none")
        XCTAssertThrowsError(try helped.credentials(for: try ImageReference(parsing: "r.example.com/m"), environment: ["PATH": "/nonexistent"])) { error in
            XCTAssertTrue("\(error)".contains("docker-credential-ps-own, named by credHelpers in"), "\(error)")
            XCTAssertTrue("\(error)".contains("is not on PATH"), "\(error)")
        }
        for bad: [String: Any] in [["credsStore": "../../bin/sh"], ["auths": ["r": ["auth": "not base64!"]]], ["auths": ["r"]]] {
            XCTAssertThrowsError(try config(bad)) { error in
                XCTAssertTrue(error is InputError, "\(error)")
                XCTAssertTrue("\(error)".contains("config.json"), "names the file: \(error)")
            }
        }
    }
}

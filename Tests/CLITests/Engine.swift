import Foundation
import XCTest

/// The real Docker engine the build tests use, with the local base image they build on.
/// `.ci/run` starts the engine (scripts/start-docker.sh); the base is made here with
/// `cogpack base` when the engine lacks it.
enum Engine {
    static let base = "cogpack/base:bookworm-python3.11"
    nonisolated(unsafe) private static var prepared = false

    static func prepare() throws {
        // The tests write to pipes and sockets whose reader may be gone (a killed build, a cut
        // proxy): that must fail the write, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        // The engine of DOCKER_HOST when it is a unix socket, as for cogpack and docker.
        let host = ProcessInfo.processInfo.environment["DOCKER_HOST"] ?? ""
        let socket = host.hasPrefix("unix://") ? String(host.dropFirst(7)) : "/var/run/docker.sock"
        guard try CLI.shell("curl -fsS --max-time 3 --unix-socket '\(socket)' http://docker/_ping").status == 0 else {
            XCTFail("no Docker engine answers on \(socket); run scripts/start-docker.sh")
            throw XCTSkip("no engine")
        }
        if !prepared {
            if try CLI.shell("docker image inspect \(base) >/dev/null 2>&1").status != 0 {
                let made = try CLI.run(["base"])
                XCTAssertEqual(made.status, 0, made.stderr)
            } else if try !baseIsCurrent() {
                // A base an older `cogpack base` made lacks the runtime's mount points, and locked
                // builds on it are not reproducible (docs/reproducibility.md): make it again.
                let made = try CLI.run(["base", "--force"])
                XCTAssertEqual(made.status, 0, made.stderr)
            }
            prepared = true
        }
    }

    /// Whether the base holds what this `cogpack base` puts in it: the runtime's /etc/hosts and
    /// the CA bundle's mount point, which every step would otherwise make and remove.
    static func baseIsCurrent() throws -> Bool {
        try CLI.shell("docker run --rm --entrypoint /bin/sh \(base) -c 'test -e /etc/hosts && test -e /etc/ssl/certs/cogpack-ca.pem'").status == 0
    }

    /// Runs `image`, waits until Cog's server is ready and posts one prediction; the container
    /// goes when the test ends.
    static func predict(image: String, input: [String: Any], test: XCTestCase) throws -> [String: Any] {
        let port = try serve(image: image, test: test)
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["input": input]), as: UTF8.self)
        let prediction = try CLI.shell("curl -fsS -X POST -H 'Content-Type: application/json' -d '\(body)' http://127.0.0.1:\(port)/predictions")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(prediction.stdout.utf8)) as? [String: Any], prediction.stdout)
    }

    /// Runs `image` and GETs `path` once the server is ready.
    static func get(image: String, path: String, test: XCTestCase) throws -> String {
        let port = try serve(image: image, test: test)
        return try CLI.shell("curl -fsS http://127.0.0.1:\(port)\(path)").stdout
    }

    /// Starts `image` with its port 5000 published and waits for READY; the port.
    private static func serve(image: String, test: XCTestCase) throws -> Int {
        let name = "cogpack-it-\(UUID().uuidString.prefix(8))"
        let port = 15000 + Int.random(in: 0..<1000)
        XCTAssertEqual(try CLI.shell("docker run -d --name \(name) -p \(port):5000 \(image)").status, 0)
        test.addTeardownBlock { _ = try? CLI.shell("docker rm -f \(name)") }
        var ready = false
        for _ in 0..<60 where !ready {
            ready = try CLI.shell("curl -fsS http://127.0.0.1:\(port)/health-check | grep -q READY").status == 0
            if !ready { Thread.sleep(forTimeInterval: 0.5) }
        }
        XCTAssertTrue(ready, "the server of \(image) did not become ready")
        return port
    }
}

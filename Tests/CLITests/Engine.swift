import Foundation
import XCTest

/// The real Docker engine the build tests use, with the local base image they build on.
/// `.ci/run` starts the engine (scripts/start-docker.sh); the base is made here with
/// `cogpack base` when the engine lacks it.
enum Engine {
    static let base = "cogpack/base:bookworm-python3.11"
    nonisolated(unsafe) private static var prepared = false

    static func prepare() throws {
        guard try CLI.shell("curl -fsS --max-time 3 --unix-socket /var/run/docker.sock http://docker/_ping").status == 0 else {
            XCTFail("no Docker engine answers on /var/run/docker.sock; run scripts/start-docker.sh")
            throw XCTSkip("no engine")
        }
        if !prepared {
            if try CLI.shell("docker image inspect \(base) >/dev/null 2>&1").status != 0 {
                let made = try CLI.run(["base"])
                XCTAssertEqual(made.status, 0, made.stderr)
            }
            prepared = true
        }
    }
}

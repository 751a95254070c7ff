import Builder
import XCTest

/// DOCKER_HOST and --builder: what this client can use, and a refusal that names the setting for
/// everything else (never a silent fall back to the default socket).
final class BuilderAddressTests: XCTestCase {
    func testUsableAddresses() throws {
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: [:]), .engine(.unix("/var/run/docker.sock")))
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": ""]), .engine(.unix("/var/run/docker.sock")))
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": "unix:///run/d.sock"]), .engine(.unix("/run/d.sock")))
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": "tcp://10.0.0.2:2376"]), .engine(.tcp(host: "10.0.0.2", port: 2376)))
        // The docker CLI's default engine port.
        XCTAssertEqual(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": "tcp://engine"]), .engine(.tcp(host: "engine", port: 2375)))
        XCTAssertEqual(try BuilderAddress.parse("tcp://[::1]:1234", environment: [:]), .buildkitd(.tcp(host: "::1", port: 1234)))
        XCTAssertEqual(try BuilderAddress.parse("docker", environment: ["DOCKER_HOST": "unix:///x.sock"]), .engine(.unix("/x.sock")))
        XCTAssertEqual(try BuilderAddress.parse("docker://tcp://h:1", environment: [:]), .engine(.tcp(host: "h", port: 1)))
        XCTAssertEqual(try BuilderAddress.parse("/run/buildkit/buildkitd.sock", environment: [:]), .buildkitd(.unix("/run/buildkit/buildkitd.sock")))
    }

    func testUnusableDockerHostsNameDockerHost() {
        let cases: [(String, String)] = [
            ("ssh://me@host", "ssh:// is not supported; use tcp://HOST:PORT with TLS"),
            ("npipe:////./pipe/docker_engine", "npipe:// is for Windows"),
            ("https://engine:2376", "https:// is not supported"),
            ("fd://", "fd:// is not supported"),
            ("garbage", "is not an address"),
            ("ftp://x", "the scheme 'ftp' is not one of"),
            ("tcp://", "has no host name"),
            ("tcp://:2375", "has no host name"),
            ("tcp://h:0", "a port is a number from 1 to 65535"),
            ("tcp://h:65536", "a port is a number from 1 to 65535"),
            ("tcp://h:-1", "a port is a number"),
            ("tcp://h:", "a port is a number"),
            ("tcp://h:1/path", "a port is a number"),
            ("tcp://[::1", "without closing"),
            ("tcp://a b:1", "has no host name"),
            ("unix://", "needs an absolute socket path"),
            ("unix://relative.sock", "needs an absolute socket path"),
            ("unix:///" + String(repeating: "s", count: 120), "at most 107"),
            ("unix:///var/run/docker.sock\r\nX-Injected: 1", "control character"),
        ]
        for (value, reason) in cases {
            XCTAssertThrowsError(try BuilderAddress.defaultEngine(environment: ["DOCKER_HOST": value]), value) { error in
                guard let e = error as? BuilderAddress.Invalid else { return XCTFail("\(value): \(error)") }
                XCTAssertEqual(e.setting, "DOCKER_HOST", value)
                XCTAssertTrue(e.message.contains(reason), "\(value): '\(e.message)' does not say '\(reason)'")
            }
        }
    }

    func testUnusableBuildersNameTheFlag() {
        for (value, reason) in [("garbage", "is not a builder"), ("tcp://h", "has no port"), ("docker://ssh://h", "ssh://"), ("docker://", "is not an address")] {
            XCTAssertThrowsError(try BuilderAddress.parse(value, environment: [:]), value) { error in
                guard let e = error as? BuilderAddress.Invalid else { return XCTFail("\(value): \(error)") }
                XCTAssertEqual(e.setting, "--builder", value)
                XCTAssertTrue(e.message.contains(reason), "\(value): '\(e.message)' does not say '\(reason)'")
            }
        }
        // `docker` is the engine of DOCKER_HOST, so its errors name DOCKER_HOST.
        XCTAssertThrowsError(try BuilderAddress.parse("docker", environment: ["DOCKER_HOST": "ssh://h"])) { error in
            XCTAssertEqual((error as? BuilderAddress.Invalid)?.setting, "DOCKER_HOST")
        }
    }
}

import Builder
import PlanFormat
import XCTest

/// The distribution reference grammar: what parses (and how it is qualified), and what is refused
/// with which reason.
final class ImageReferenceTests: XCTestCase {
    static let sha256 = String(repeating: "a1", count: 32)

    /// Valid references and their fully qualified names.
    static let valid: [(String, String)] = [
        ("python", "docker.io/library/python:latest"),
        ("python:3.11-slim-bookworm", "docker.io/library/python:3.11-slim-bookworm"),
        ("cogpack/base:bookworm-python3.11", "docker.io/cogpack/base:bookworm-python3.11"),
        ("nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04", "docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04"),
        ("docker.io/python", "docker.io/library/python:latest"),
        ("index.docker.io/python:3", "docker.io/library/python:3"),
        ("docker.io/org/app:v1", "docker.io/org/app:v1"),
        ("localhost/m", "localhost/m:latest"),
        ("localhost:5000/m:1", "localhost:5000/m:1"),
        ("localhost:5000", "docker.io/library/localhost:5000"),
        ("ghcr.io/a/b/c/d:x", "ghcr.io/a/b/c/d:x"),
        ("Registry.Example.COM/team/app", "Registry.Example.COM/team/app:latest"),
        ("Upper/app", "Upper/app:latest"),
        ("192.168.0.1:8080/app", "192.168.0.1:8080/app:latest"),
        ("[::1]:5000/app:dev", "[::1]:5000/app:dev"),
        ("a_b/c__d/e.f/g--h-i", "docker.io/a_b/c__d/e.f/g--h-i:latest"),
        ("app:_tag.with-all_CHARS", "docker.io/library/app:_tag.with-all_CHARS"),
        ("app@sha256:\(sha256)", "docker.io/library/app@sha256:\(sha256)"),
        ("ghcr.io/a/b:v2@sha256:\(sha256)", "ghcr.io/a/b:v2@sha256:\(sha256)"),
        ("a:" + String(repeating: "t", count: 128), "docker.io/library/a:" + String(repeating: "t", count: 128)),
        (String(repeating: "n", count: 255), "docker.io/library/" + String(repeating: "n", count: 255) + ":latest"),
    ]

    /// Invalid references and a part of the reason given.
    static let invalid: [(String, String)] = [
        ("", "cannot be empty"),
        (":", "no repository name"),
        ("/", "empty component"),
        ("@", "no repository name"),
        (":tag", "no repository name"),
        ("UPPER", "must be lower-case: write 'upper'"),
        ("org/App", "must be lower-case: write 'app'"),
        ("a b", "a space"),
        ("a,b", "holds ','"),
        ("a\nb", "a line feed"),
        ("a\rb", "a carriage return"),
        ("a\u{7F}", "control character"),
        ("caf\u{E9}", "only ASCII"),
        (String(repeating: "a", count: 300), "300 characters; at most 255"),
        (String(repeating: "n", count: 256), "256 characters"),
        ("x:y:z", "holds ':'"),
        ("a//b", "empty component"),
        ("a/", "empty component"),
        ("-a", "must start with"),
        ("a-", "must end with"),
        ("a...b", "'...' cannot join"),
        ("a___b", "'___' cannot join"),
        ("a._b", "'._' cannot join"),
        ("a:", "tag '' must start"),
        ("a:-x", "tag '-x' must start"),
        ("a:" + String(repeating: "t", count: 129), "at most 128"),
        ("a:t!", "may hold only"),
        ("a@sha256:00", "64 lower-case hex"),
        ("a@sha256:" + String(repeating: "A", count: 64), "64 lower-case hex"),
        ("a@md5:" + String(repeating: "0", count: 32), "not one of sha256"),
        ("a@" + sha256, "ALGORITHM:HEX"),
        ("a@b@sha256:\(sha256)", "not one of sha256"),
        ("-bad.host/app", "not a host name"),
        ("bad_host.io/app", "not a host name"),
        ("host.io:port/app", "port that is not a number"),
        ("host.io:/app", "port that is not a number"),
        ("[::1/app", "without closing"),
        ("[zz]:5000/app", "not an IPv6 address"),
        (String(repeating: "ab", count: 32), "image ID"),
    ]

    func testValidReferencesParseAndQualify() throws {
        for (text, qualified) in Self.valid {
            let ref = try ImageReference(parsing: text)
            XCTAssertEqual(ref.qualified, qualified, text)
            XCTAssertEqual(ref.description, text, "a parsed reference prints as written")
        }
    }

    func testInvalidReferencesAreRefusedWithTheirReason() {
        for (text, reason) in Self.invalid {
            XCTAssertThrowsError(try ImageReference(parsing: text), text.debugDescription) { error in
                let message = (error as? ImageReference.Invalid)?.reason ?? "\(error)"
                XCTAssertTrue(message.contains(reason), "\(text.debugDescription): '\(message)' does not say '\(reason)'")
            }
        }
    }

    func testTheTextFormNeverTraps() {
        // Names that used to trap in qualification come back unchanged.
        for text in ["", ":", "/", "@", "a,b"] { XCTAssertEqual(ImageReference.qualified(text), text) }
        XCTAssertEqual(ImageReference.qualified("debian"), "docker.io/library/debian:latest")
    }

    func testComponentsAreSplitAsTheEngineDoes() throws {
        let hub = try ImageReference(parsing: "org/app:1")
        XCTAssertNil(hub.domain)
        XCTAssertEqual(hub.path, "org/app")
        XCTAssertEqual(hub.tag, "1")
        let local = try ImageReference(parsing: "localhost:5000/org/app")
        XCTAssertEqual(local.domain, "localhost:5000")
        XCTAssertEqual(local.path, "org/app")
        XCTAssertNil(local.tag)
    }
}

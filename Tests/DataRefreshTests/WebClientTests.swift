import Foundation
import NIOHTTP1
import XCTest
@testable import DataRefresh

/// The package index over the network, as `data refresh` reads it (PyPI answers on this
/// machine and in CI): HTTPS with the system's trust store, redirects, PEP 691 pages, PEP 658
/// metadata and range requests.
final class WebClientTests: XCTestCase {
    let index = URL(string: "https://pypi.org/simple/")!

    func testAProjectPageOfThePackageIndex() async throws {
        let files = try await PackageIndex(baseURL: index).files(of: "docopt")
        XCTAssertTrue(files.contains { $0.filename == "docopt-0.6.2.tar.gz" }, "\(files.map(\.filename))")
    }

    func testARedirectIsFollowed() async throws {
        // The index sends `/simple` (no slash) on to `/simple/` with a 308 (a HEAD: the page
        // lists every project).
        let response = try await WebClient.send(.HEAD, URL(string: "https://pypi.org/simple")!)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.url.absoluteString, "https://pypi.org/simple/")
    }

    func testAWheelsMetadataAndARangeOfTheWheel() async throws {
        let index = PackageIndex(baseURL: index)
        let files = try await index.files(of: "six")
        let wheel = try XCTUnwrap(files.first { $0.filename == "six-1.16.0-py2.py3-none-any.whl" })
        let read = try await index.metadata(of: wheel)
        let metadata = try XCTUnwrap(read)
        XCTAssertTrue(metadata.contains("Name: six"), metadata)
        // The last 22 bytes of a zip: its end-of-directory record, "PK\u{5}\u{6}" first.
        let tail = try await WebClient.get(wheel.url, headers: [("Range", "bytes=-22")])
        XCTAssertEqual(tail.status, 206)
        XCTAssertEqual(Array(tail.body.prefix(4)), [0x50, 0x4B, 0x05, 0x06])
        let size = try XCTUnwrap(tail.header("content-range")?.split(separator: "/").last.flatMap { Int($0) })
        XCTAssertGreaterThan(size, 10_000)
    }

    func testAHostThatDoesNotAnswerIsNotReachable() async {
        // A TCP port nothing listens on, on this machine: refused at once.
        let reachable = await WebClient.answers(URL(string: "https://127.0.0.1:9/")!, within: 3)
        XCTAssertFalse(reachable)
        let pypi = await WebClient.answers(index, within: 10)
        XCTAssertTrue(pypi)
    }

    func testAPlainHTTPAnswerAndAMissingFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("webclient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("hello\n".utf8).write(to: folder.appendingPathComponent("a.txt"))
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = ["-m", "http.server", "--bind", "127.0.0.1", "0"]
        server.currentDirectoryURL = folder
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        server.environment = ["PYTHONUNBUFFERED": "1"]
        try server.run()
        defer { server.terminate() }
        // "Serving HTTP on 127.0.0.1 port 43567 (http://127.0.0.1:43567/) ..."
        var line = ""
        while !line.contains("\n"), let chunk = try out.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty {
            line += String(decoding: chunk, as: UTF8.self)
        }
        let port = try XCTUnwrap(line.split(separator: " ").firstIndex(of: "port").map { line.split(separator: " ")[$0 + 1] })
        let found = try await WebClient.get(URL(string: "http://127.0.0.1:\(port)/a.txt")!)
        XCTAssertEqual(found.status, 200)
        XCTAssertEqual(String(decoding: found.body, as: UTF8.self), "hello\n")
        let missing = try await WebClient.get(URL(string: "http://127.0.0.1:\(port)/b.txt")!)
        XCTAssertEqual(missing.status, 404)
    }

    func testTheProxyTheEnvironmentNames() {
        typealias P = WebClient.Proxy
        let env = ["https_proxy": "http://proxy.example:3128", "no_proxy": "localhost, .internal.example,files.example"]
        XCTAssertEqual(P.forURL(scheme: "https", host: "pypi.org", environment: env), P(host: "proxy.example", port: 3128))
        XCTAssertNil(P.forURL(scheme: "https", host: "a.internal.example", environment: env))
        XCTAssertNil(P.forURL(scheme: "https", host: "files.example", environment: env))
        XCTAssertNil(P.forURL(scheme: "https", host: "localhost", environment: env))
        XCTAssertNil(P.forURL(scheme: "http", host: "pypi.org", environment: env), "http_proxy is not set")
        XCTAssertEqual(P.forURL(scheme: "https", host: "x", environment: ["HTTPS_PROXY": "proxy:8080"]), P(host: "proxy", port: 8080))
        XCTAssertNil(P.forURL(scheme: "https", host: "x", environment: ["HTTPS_PROXY": "proxy:8080", "NO_PROXY": "*"]))
    }
}

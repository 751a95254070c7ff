import Foundation
import NIOCore
import Synchronization
import XCTest
@testable import Builder
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP/1.1 client of the engine API and its upgrades, against a scripted server on a Unix
/// socket that answers each connection with fixed bytes.
final class EngineHTTPTests: XCTestCase {
    /// One connection's script: what to send once the request is read, then what to send
    /// after a pause, and whether to close afterwards.
    struct Reply: Sendable {
        var first: String
        var later: String = ""
        var close = true
    }

    /// Accepts connections on a temporary socket; each reads one request (its head, and a
    /// chunked body to its end) and plays the next reply.
    final class ScriptedEngine: Sendable {
        let path: String
        private let listener: Int32
        private let state: Mutex<(replies: [Reply], requests: [String], open: [Int32])>

        init(_ replies: [Reply]) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString.prefix(8)).sock").path
            state = Mutex((replies, [], []))
            listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in path.utf8.enumerated() { raw[i] = b }
            }
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0, listen(listener, 8) == 0 else { throw CocoaError(.fileWriteUnknown) }
            let fd = listener
            Thread.detachNewThread { [self] in
                while true {
                    let client = accept(fd, nil, nil)
                    guard client >= 0 else { return }
                    Thread.detachNewThread { self.serve(client) }
                }
            }
        }

        var endpoint: BuilderAddress.Endpoint { .unix(path) }
        var requests: [String] { state.withLock { $0.requests } }

        func stop() {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
            for fd in state.withLock({ $0.open }) { shutdown(fd, Int32(SHUT_RDWR)) }
            unlink(path)
        }

        private func serve(_ fd: Int32) {
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            func complete() -> Bool {
                let text = String(decoding: request, as: UTF8.self)
                guard let end = text.range(of: "\r\n\r\n") else { return false }
                if text[..<end.lowerBound].lowercased().contains("transfer-encoding: chunked") {
                    return text[end.upperBound...].hasSuffix("0\r\n\r\n")
                }
                return true
            }
            while !complete() {
                let n = read(fd, &buffer, buffer.count)
                guard n > 0 else { close(fd); return }
                request += buffer[..<n]
            }
            let reply = state.withLock { s -> Reply? in
                s.requests.append(String(decoding: request, as: UTF8.self))
                s.open.append(fd)
                return s.replies.isEmpty ? nil : s.replies.removeFirst()
            }
            guard let reply else { close(fd); return }
            _ = Array(reply.first.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if !reply.later.isEmpty {
                usleep(100_000)
                _ = Array(reply.later.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            }
            if reply.close { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func engine(_ replies: Reply...) throws -> ScriptedEngine {
        let engine = try ScriptedEngine(replies)
        addTeardownBlock { engine.stop() }
        return engine
    }

    /// What the new pipeline reads, as text.
    final class Collected: Sendable {
        let text = Mutex("")
        func wait(for expected: String) -> String {
            for _ in 0..<100 {
                let now = text.withLock { $0 }
                if now == expected { return now }
                usleep(20_000)
            }
            return text.withLock { $0 }
        }
    }

    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let into: Collected
        init(into: Collected) { self.into = into }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            into.text.withLock { $0 += String(buffer: bytes) }
        }
    }

    private let switching = "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"

    func testBytesThatComeWithThe101ReachTheNewPipelineFirst() async throws {
        let engine = try engine(Reply(first: switching + "FIRST", later: "SECOND", close: false))
        let collected = Collected()
        let (channel, installed) = try await EngineHTTP.upgrade(engine.endpoint, path: "/session", headers: [("X-Docker-Expose-Session-Uuid", "abc")]) { channel in
            try channel.pipeline.syncOperations.addHandler(Collector(into: collected))
            return 7
        }
        defer { channel.close(promise: nil) }
        XCTAssertEqual(installed, 7)
        XCTAssertEqual(collected.wait(for: "FIRSTSECOND"), "FIRSTSECOND")
        let request = try XCTUnwrap(engine.requests.first).lowercased()
        XCTAssertTrue(request.hasPrefix("post /session http/1.1\r\n"), request)
        for header in ["upgrade: h2c", "connection: upgrade", "x-docker-expose-session-uuid: abc", "content-length: 0"] {
            XCTAssertTrue(request.contains(header), "\(header) in \(request)")
        }
    }

    func testAnUpgradeAnsweredWithAnotherStatusIsAnError() async throws {
        let engine = try engine(Reply(first: "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"))
        do {
            _ = try await EngineHTTP.upgrade(engine.endpoint, path: "/grpc", headers: []) { _ in 0 }
            XCTFail("no error")
        } catch let e as TransportError {
            XCTAssertTrue(e.message.contains("answered 404 to POST /grpc instead of switching to HTTP/2"), e.message)
        }
    }

    func testAnUpgradeNobodyAnswersEndsAfterFiveSeconds() async throws {
        let engine = try engine(Reply(first: "", close: false))
        let started = Date()
        do {
            _ = try await EngineHTTP.upgrade(engine.endpoint, path: "/grpc", headers: []) { _ in 0 }
            XCTFail("no error")
        } catch let e as TransportError {
            XCTAssertTrue(e.message.contains("did not answer POST /grpc within 5 s"), e.message)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 8)
    }

    func testAnUpgradeAnsweredWithSomethingElseThanHTTPIsAnError() async throws {
        let engine = try engine(Reply(first: "SSH-2.0-OpenSSH_9.2\r\n\r\n"))
        do {
            _ = try await EngineHTTP.upgrade(engine.endpoint, path: "/grpc", headers: []) { _ in 0 }
            XCTFail("no error")
        } catch let e as TransportError {
            XCTAssertTrue(e.message.contains("did not answer POST /grpc in HTTP/1.1"), e.message)
        }
    }

    func testAChunkedAnswerIsDechunked() async throws {
        let engine = try engine(Reply(first: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"))
        let r = try await EngineHTTP.request(engine.endpoint, method: .GET, path: "/images/json", timeout: .seconds(5))
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(String(buffer: r.body), "abcde")
    }

    func testAnAnswerWithoutLengthEndsWithTheConnection() async throws {
        let engine = try engine(Reply(first: "HTTP/1.1 500 Internal Server Error\r\n\r\n{\"message\":\"no\"}"))
        let r = try await EngineHTTP.request(engine.endpoint, method: .GET, path: "/_ping", timeout: .seconds(5))
        XCTAssertEqual(r.status, 500)
        XCTAssertEqual(String(buffer: r.body), "{\"message\":\"no\"}")
    }

    func testAnAnswerOverTheLimitIsAnError() async throws {
        let body = String(repeating: "x", count: 100)
        let engine = try engine(Reply(first: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n\(body)\r\n0\r\n\r\n"),
                                Reply(first: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n\(body)"))
        for _ in 0..<2 {
            do {
                _ = try await EngineHTTP.request(engine.endpoint, method: .GET, path: "/images/json", timeout: .seconds(5), limit: 10)
                XCTFail("no error")
            } catch let e as TransportError {
                XCTAssertTrue(e.message.contains("at most 10 are read"), e.message)
            }
        }
    }

    func testARequestBodyIsSentChunked() async throws {
        let engine = try engine(Reply(first: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("hello".utf8))
        try pipe.fileHandleForWriting.close()
        let r = try await EngineHTTP.request(engine.endpoint, method: .POST, path: "/images/create?fromSrc=-", contentType: "application/x-tar",
                                             body: pipe.fileHandleForReading, timeout: .seconds(5))
        XCTAssertEqual(r.status, 200)
        let request = try XCTUnwrap(engine.requests.first)
        XCTAssertTrue(request.lowercased().contains("transfer-encoding: chunked"), request)
        XCTAssertTrue(request.hasSuffix("\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), request)
    }

    func testAnAnswerThatNeverComesEndsAtTheTimeout() async throws {
        let engine = try engine(Reply(first: "", close: false))
        do {
            _ = try await EngineHTTP.request(engine.endpoint, method: .GET, path: "/_ping", timeout: .seconds(1))
            XCTFail("no error")
        } catch let e as TransportError {
            XCTAssertTrue(e.message.contains("did not answer GET /_ping within 1 s"), e.message)
        }
    }

    func testNoEngineIsAClearError() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-engine-\(UUID().uuidString.prefix(8)).sock").path
        do {
            _ = try await EngineHTTP.request(.unix(path), method: .GET, path: "/_ping", timeout: .seconds(1))
            XCTFail("no error")
        } catch let e as TransportError {
            XCTAssertEqual(e.message, "cannot connect to unix://\(path): No such file or directory")
        }
        let api = EngineAPI(endpoint: .unix(path))
        let answered = try await api.ping()
        XCTAssertFalse(answered)
    }
}

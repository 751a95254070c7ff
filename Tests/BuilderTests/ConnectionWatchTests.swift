import NIOCore
import NIOEmbedded
import NIOHTTP2
import Synchronization
import XCTest
@testable import Builder

/// The watch on a connection to BuildKit, on an embedded channel whose clock the test moves.
final class ConnectionWatchTests: XCTestCase {
    private let timing = ConnectionWatch.Timing(handshake: .seconds(10), interval: .seconds(15), ack: .seconds(20))

    private final class Failures: Sendable {
        let list = Mutex<[String]>([])
        var all: [String] { list.withLock { $0 } }
    }

    private func channel() throws -> (EmbeddedChannel, EmbeddedEventLoop, Failures) {
        let loop = EmbeddedEventLoop()
        let failures = Failures()
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(ConnectionWatch(peer: "the test builder", timing: timing) { failure in
            failures.list.withLock { $0.append(failure.message) }
        })
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/test")).wait()
        return (channel, loop, failures)
    }

    private func settings() -> HTTP2Frame { HTTP2Frame(streamID: .rootStream, payload: .settings(.settings([]))) }

    func testAPeerThatNeverSpeaksFailsAfterTheHandshakeTimeout() throws {
        let (channel, loop, failures) = try channel()
        loop.advanceTime(by: .seconds(9))
        XCTAssertEqual(failures.all, [])
        XCTAssertTrue(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        XCTAssertEqual(failures.all.count, 1)
        XCTAssertTrue(failures.all[0].contains("did not start HTTP/2 within 10 s"), failures.all[0])
        XCTAssertFalse(channel.isActive, "the watch closes the connection")
    }

    func testAnAnsweringPeerIsPingedAndKept() throws {
        let (channel, loop, failures) = try channel()
        try channel.writeInbound(settings())
        XCTAssertNotNil(try channel.readInbound(as: HTTP2Frame.self), "frames pass on")
        for round in 0..<5 {
            loop.advanceTime(by: .seconds(15))
            guard let ping = try channel.readOutbound(as: HTTP2Frame.self), case .ping(let data, ack: false) = ping.payload else {
                return XCTFail("round \(round): no PING written")
            }
            loop.advanceTime(by: .seconds(5))
            try channel.writeInbound(HTTP2Frame(streamID: .rootStream, payload: .ping(data, ack: true)))
            _ = try channel.readInbound(as: HTTP2Frame.self)
        }
        loop.advanceTime(by: .seconds(14))
        XCTAssertEqual(failures.all, [])
        XCTAssertTrue(channel.isActive)
    }

    func testAPeerThatStopsAnsweringPingsFailsWithAClearReason() throws {
        let (channel, loop, failures) = try channel()
        try channel.writeInbound(settings())
        loop.advanceTime(by: .seconds(15))
        guard let ping = try channel.readOutbound(as: HTTP2Frame.self), case .ping(_, ack: false) = ping.payload else {
            return XCTFail("no PING written")
        }
        // An ack with other data is not the answer.
        try channel.writeInbound(HTTP2Frame(streamID: .rootStream, payload: .ping(HTTP2PingData(withInteger: 999), ack: true)))
        loop.advanceTime(by: .seconds(19))
        XCTAssertEqual(failures.all, [])
        loop.advanceTime(by: .seconds(2))
        XCTAssertEqual(failures.all.count, 1)
        XCTAssertTrue(failures.all[0].contains("stopped answering"), failures.all[0])
        XCTAssertFalse(channel.isActive)
    }
}

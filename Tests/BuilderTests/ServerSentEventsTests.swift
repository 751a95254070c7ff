import Foundation
import XCTest
@testable import Builder

/// The reader of Cog's `text/event-stream` answers: events complete at a blank line, whatever
/// the parts of the stream split.
final class ServerSentEventsTests: XCTestCase {
    private let stream = """
        event: start
        data: {"id":"p1","status":"processing"}

        : keep-alive

        event: output
        data: {"chunk":"h\u{e9}llo ","index":0}

        event: log\r
        data: {"source":"stdout","data":"word 1\\n"}\r
        \r
        data: first
        data: second

        event: completed
        data: {"id":"p1","status":"succeeded"}


        """

    private let expected = [
        ServerSentEvents.Event(name: "start", data: #"{"id":"p1","status":"processing"}"#),
        ServerSentEvents.Event(name: "output", data: #"{"chunk":"héllo ","index":0}"#),
        ServerSentEvents.Event(name: "log", data: #"{"source":"stdout","data":"word 1\n"}"#),
        ServerSentEvents.Event(name: "message", data: "first\nsecond"),
        ServerSentEvents.Event(name: "completed", data: #"{"id":"p1","status":"succeeded"}"#),
    ]

    func testEventsOfAWholeStream() {
        var reader = ServerSentEvents()
        XCTAssertEqual(reader.feed(Data(stream.utf8)), expected)
    }

    func testEventsOfAStreamSplitAtEveryByte() {
        var reader = ServerSentEvents()
        var events: [ServerSentEvents.Event] = []
        for byte in Data(stream.utf8) { events += reader.feed(Data([byte])) }
        XCTAssertEqual(events, expected)
    }

    func testAnEventWaitsForItsBlankLine() {
        var reader = ServerSentEvents()
        XCTAssertEqual(reader.feed(Data("event: output\ndata: {}\n".utf8)), [])
        XCTAssertEqual(reader.feed(Data("\n".utf8)), [ServerSentEvents.Event(name: "output", data: "{}")])
        XCTAssertEqual(reader.feed(Data("event: nothing\n\n".utf8)), [], "an event without data is not dispatched")
    }
}

import NIOCore
import NIOHTTP2

/// The HTTP/2 limits of every connection to BuildKit: the control connection (we are the
/// client) and the session (we serve FileSync to BuildKit), on either route.
///
/// SwiftNIO's defaults are made for a server facing the internet; BuildKit is a peer we dialled
/// ourselves, and a large context transfer looks like abuse to those defaults. What BuildKit
/// (grpc-go) sends during a transfer, and what each limit must allow:
/// - PING: the receiver of a stream estimates bandwidth with a PING per round trip while data
///   arrives (grpc-go's BDP estimator) until its window reaches 16 MiB, and SETTINGS frames
///   when it widens the window. NIO's default of 200 control frames in 30 s closed the
///   session with GOAWAY `ENHANCE_YOUR_CALM` after a few hundred files or about 10 MB.
/// - Streams: one DiffCopy per local source, and a health check every second for the whole
///   build (each a new stream).
/// - Headers: DiffCopy carries the include and exclude patterns as metadata, one header per
///   pattern; a long `.dockerignore` exceeds NIO's default 16 KiB header list.
enum ConnectionLimits {
    /// Far above what a BuildKit transfer sends (one PING a round trip, measured at a few
    /// hundred a second here), and still a bound against a peer that floods.
    static let controlFramesPerSecond = 20_000
    /// Our receive windows: the status stream carries build logs.
    static let streamWindow = 8 << 20
    static let connectionWindow = 16 << 20
    static let maxHeaderListSize = 1 << 20
    static let maxConcurrentStreams = 1_000
    /// The largest gRPC message we accept. BuildKit's own messages are small (status batches,
    /// FileSync requests); this bounds what a misbehaving peer can make us buffer.
    static let maxInboundMessage = 64 << 20

    static var connection: NIOHTTP2Handler.ConnectionConfiguration {
        var c = NIOHTTP2Handler.ConnectionConfiguration()
        c.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: maxHeaderListSize),
            HTTP2Setting(parameter: .initialWindowSize, value: streamWindow),
        ]
        c.targetWindowSize = connectionWindow
        c.controlFrameRateLimit.maximumCount = controlFramesPerSecond
        c.controlFrameRateLimit.windowLength = .seconds(1)
        // grpc-go ends a sending half with an empty DATA frame; tolerate a few in a row.
        c.maximumSequentialEmptyDataFrames = 16
        return c
    }

    static var stream: NIOHTTP2Handler.StreamConfiguration {
        var s = NIOHTTP2Handler.StreamConfiguration()
        s.targetWindowSize = streamWindow
        // A FileSync data packet is 32 KiB: let a stream hold a few before it reports itself
        // unwritable.
        s.outboundBufferSizeHighWatermark = 256 << 10
        s.outboundBufferSizeLowWatermark = 64 << 10
        return s
    }
}

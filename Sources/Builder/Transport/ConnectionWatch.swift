import NIOCore
import NIOHTTP2

/// Watches one HTTP/2 connection to BuildKit so that a silent peer becomes an error instead of
/// a build that waits forever: the peer must send its SETTINGS within `handshake` (a builder
/// that accepts and never speaks), and must answer our PING within `ack` (an engine that died
/// or stalls mid-build; a long step without output is still answered, since PINGs are answered
/// by the peer's HTTP/2 layer, not by the step).
///
/// Sits after the HTTP/2 handler, which forwards the root stream's frames to it.
final class ConnectionWatch: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    struct Timing: Sendable {
        var handshake: TimeAmount
        var interval: TimeAmount
        var ack: TimeAmount

        /// Where BuildKit is the gRPC server (the control connection): grpc-go servers close a
        /// connection with GOAWAY `too_many_pings` at the third PING that comes sooner than 5
        /// minutes after the previous one while they have sent nothing in between
        /// (`keepalive.EnforcementPolicy.MinTime`, `maxPingStrikes = 2` in its http2_server),
        /// which a long step without output would allow. The engine 20.10 here took 15 s
        /// PINGs through a 75 s silent step, but a buildkitd may enforce grpc-go's default;
        /// so we ping it just over 5 minutes apart, and rely on the session's faster watch
        /// (whose bytes cross the engine too) to notice a stall early.
        static let client = Timing(handshake: .seconds(10), interval: .seconds(330), ack: .seconds(20))
        /// Where BuildKit is the gRPC client (the session we serve): grpc-go clients answer
        /// PINGs with no such policy, so a stalled or vanished engine shows here within 35 s.
        static let server = Timing(handshake: .seconds(10), interval: .seconds(15), ack: .seconds(20))
    }

    private let timing: Timing
    private let peer: String
    private let onFailure: @Sendable (TransportError) -> Void
    private var handshakeDeadline: Scheduled<Void>?
    private var ackDeadline: Scheduled<Void>?
    private var pinger: RepeatedTask?
    private var ready = false
    private var pending: UInt64?
    private var sequence: UInt64 = 0

    /// `onFailure` learns why the watch closed the connection, before the calls on it see the
    /// close.
    init(peer: String, timing: Timing, onFailure: @escaping @Sendable (TransportError) -> Void) {
        self.peer = peer
        self.timing = timing
        self.onFailure = onFailure
    }

    /// The handler and its context, for the timers: they fire on the channel's event loop,
    /// where both may be used.
    private func bound(_ context: ChannelHandlerContext) -> NIOLoopBound<(ConnectionWatch, ChannelHandlerContext)> {
        NIOLoopBound((self, context), eventLoop: context.eventLoop)
    }

    /// Fails the connection with `message` unless cancelled within `delay`.
    private func deadline(_ delay: TimeAmount, _ context: ChannelHandlerContext, _ message: String) -> Scheduled<Void> {
        let here = bound(context)
        return context.eventLoop.scheduleTask(in: delay) {
            let (watch, context) = here.value
            watch.fail(context, message)
        }
    }

    private static func seconds(_ t: TimeAmount) -> Int64 { t.nanoseconds / 1_000_000_000 }

    func handlerAdded(context: ChannelHandlerContext) {
        handshakeDeadline = deadline(timing.handshake, context,
                                     "\(peer) did not start HTTP/2 within \(Self.seconds(timing.handshake)) s (it accepted the connection but sent nothing); is it a BuildKit endpoint?")
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .settings(.settings) where !ready:
            ready = true
            handshakeDeadline?.cancel()
            handshakeDeadline = nil
            let here = bound(context)
            pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: timing.interval, delay: timing.interval) { _ in
                let (watch, context) = here.value
                watch.ping(context)
            }
        case .ping(let data, ack: true) where pending != nil && data == HTTP2PingData(withInteger: pending!):
            pending = nil
            ackDeadline?.cancel()
            ackDeadline = nil
        default:
            break
        }
        context.fireChannelRead(data)
    }

    private func ping(_ context: ChannelHandlerContext) {
        guard pending == nil else { return }
        sequence &+= 1
        pending = sequence
        let frame = HTTP2Frame(streamID: .rootStream, payload: .ping(HTTP2PingData(withInteger: sequence), ack: false))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        ackDeadline = deadline(timing.ack, context,
                               "\(peer) stopped answering (no reply to an HTTP/2 PING within \(Self.seconds(timing.ack)) s); did the engine stop, restart or hang?")
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        stop()
        onFailure(TransportError(message))
        context.close(promise: nil)
    }

    private func stop() {
        handshakeDeadline?.cancel()
        ackDeadline?.cancel()
        pinger?.cancel()
        handshakeDeadline = nil
        ackDeadline = nil
        pinger = nil
    }
}

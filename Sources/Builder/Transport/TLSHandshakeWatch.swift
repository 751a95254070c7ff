import NIOCore
import NIOTLS

/// Sits right after the TLS handler of a connection to an engine, until the first bytes of an
/// answer pass: completes `handshake` when TLS is up, and turns a TLS failure before those bytes
/// (a handshake that fails, the engine's alert refusing our certificate, which TLS 1.3 sends
/// only after our side of the handshake ended, no handshake in time) into an
/// `EngineTLSFailure` for whoever waits on the connection. The HTTP handlers after it would
/// see only an error they cannot explain, or a close.
final class TLSHandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let handshake: EventLoopPromise<Void>
    private let failure: (EngineTLSFailure.Kind, String) -> EngineTLSFailure
    private var deadline: Scheduled<Void>?
    private var settled = false

    /// `failure` makes the error of a kind and reason, and hands it on to the call waiting on
    /// the connection (before the handlers after this one see the close).
    init(handshake: EventLoopPromise<Void>, failure: @escaping (EngineTLSFailure.Kind, String) -> EngineTLSFailure) {
        self.handshake = handshake
        self.failure = failure
    }

    /// The time runs from the connection, not from the pipeline's making (before the connect).
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startClock(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startClock(context)
        context.fireChannelActive()
    }

    private func startClock(_ context: ChannelHandlerContext) {
        guard deadline == nil, !settled else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: EngineHTTP.handshakeTimeout) {
            let (watch, context) = bound.value
            watch.fail(context, watch.failure(.timeout, "no answer"))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    private func fail(_ context: ChannelHandlerContext, _ error: EngineTLSFailure) {
        guard !settled else { return }
        settled = true
        deadline?.cancel()
        handshake.fail(error)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            // The engine may still refuse our certificate (TLS 1.3): wait for its first bytes.
            deadline?.cancel()
            handshake.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !settled {
            // The engine answered: TLS works, and this watch is done.
            settled = true
            deadline?.cancel()
            handshake.succeed()
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !settled else { return context.fireErrorCaught(error) }
        fail(context, failure(EngineTLSFailure.kind(of: error), EngineTLSFailure.reason(error)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Closed before any answer, without a TLS error: the engine hung up during or right
        // after the handshake, which a server refusing our certificate may do without an alert.
        if !settled {
            fail(context, failure(.other, "the engine closed the connection during the TLS handshake"))
        }
        context.fireChannelInactive()
    }
}

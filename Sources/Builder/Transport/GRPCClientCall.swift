import NIOCore
import NIOHPACK
import NIOHTTP2

/// One gRPC call on an HTTP/2 stream, from the client side: send messages, close the sending
/// half, read the responses; the call's status ends the response stream.
final class GRPCClientCall: Sendable {
    let path: String
    private let channel: Channel
    let responses: AsyncThrowingStream<ByteBuffer, Error>

    init(path: String, channel: Channel, responses: AsyncThrowingStream<ByteBuffer, Error>) {
        self.path = path
        self.channel = channel
        self.responses = responses
    }

    static func headers(path: String, metadata: [(String, String)]) -> HPACKHeaders {
        var h = HPACKHeaders()
        h.add(name: ":method", value: "POST")
        h.add(name: ":scheme", value: "http")
        h.add(name: ":path", value: path)
        h.add(name: ":authority", value: "localhost")
        h.add(name: "content-type", value: "application/grpc")
        h.add(name: "te", value: "trailers")
        for (k, v) in metadata { h.add(name: k.lowercased(), value: v) }
        return h
    }

    /// With `last`, the message also ends the sending half: a server may answer a unary call
    /// and reset the stream before a separate END_STREAM would arrive.
    func send(_ bytes: [UInt8], last: Bool = false) async throws {
        let frame = GRPCFraming.frame(bytes, allocator: channel.allocator)
        try await channel.writeAndFlush(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(frame), endStream: last))).get()
    }

    /// Ends the sending half (END_STREAM on an empty DATA frame).
    func closeSend() async throws {
        let empty = channel.allocator.buffer(capacity: 0)
        try await channel.writeAndFlush(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(empty), endStream: true))).get()
    }

    /// Resets the stream: used to cancel a call.
    func cancel() {
        channel.close(promise: nil)
    }
}

/// Turns the frames of a client stream into messages and the final status.
final class GRPCClientCallHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let path: String
    private let continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation
    private var deframer = GRPCDeframer()
    private var sawHeaders = false
    private var finished = false

    init(path: String, continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation) {
        self.path = path
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let h):
            // The first block is the response headers; a block that ends the stream carries the
            // status (it may be the only block: "trailers-only").
            if !sawHeaders, let status = h.headers.first(name: ":status"), status != "200" {
                finish(TransportError("\(path): HTTP status \(status)"))
                return
            }
            sawHeaders = true
            if h.endStream || h.headers.first(name: "grpc-status") != nil { trailers(h.headers) }
        case .data(let d):
            if case .byteBuffer(let buffer) = d.data {
                deframer.append(buffer)
                do {
                    while let message = try deframer.next() { continuation.yield(message) }
                } catch {
                    finish(error)
                }
            }
            if d.endStream, !finished { finish(TransportError("\(path): stream ended without a status")) }
        case .rstStream(let code):
            finish(TransportError("\(path): stream reset (\(code))"))
        default:
            break
        }
    }

    private func trailers(_ headers: HPACKHeaders) {
        let code = Int(headers.first(name: "grpc-status") ?? "") ?? 2
        if code == 0 {
            finish(nil)
        } else {
            let message = (headers.first(name: "grpc-message") ?? "").removingPercentEncoding ?? ""
            finish(GRPCStatusError(code: code, message: message, path: path))
        }
    }

    private func finish(_ error: Error?) {
        guard !finished else { return }
        finished = true
        if let error { continuation.finish(throwing: error) } else { continuation.finish() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(TransportError("\(path): the connection closed before the call ended"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(error)
        context.close(promise: nil)
    }
}

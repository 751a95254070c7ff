import NIOCore
import NIOHPACK
import NIOHTTP2
import Synchronization

/// One gRPC call the peer made to us (the session side): its requests, and how we answer.
/// A call is served by one task, so its sends are ordered.
final class GRPCServerCall: Sendable {
    let path: String
    let metadata: HPACKHeaders
    let requests: AsyncThrowingStream<ByteBuffer, Error>
    private let channel: Channel

    private struct Sent {
        var headers = false
        var finished = false
    }

    private let sent = Mutex(Sent())

    init(path: String, metadata: HPACKHeaders, requests: AsyncThrowingStream<ByteBuffer, Error>, channel: Channel) {
        self.path = path
        self.metadata = metadata
        self.requests = requests
        self.channel = channel
    }

    /// Every value of a metadata key (repeated keys carry lists).
    func values(_ key: String) -> [String] { metadata[key] }

    private func sendHeadersIfNeeded() async throws {
        let first = sent.withLock { s in
            defer { s.headers = true }
            return !s.headers
        }
        guard first else { return }
        var h = HPACKHeaders()
        h.add(name: ":status", value: "200")
        h.add(name: "content-type", value: "application/grpc")
        try await channel.writeAndFlush(HTTP2Frame.FramePayload.headers(.init(headers: h))).get()
    }

    func send(_ bytes: [UInt8]) async throws {
        try await sendHeadersIfNeeded()
        let frame = GRPCFraming.frame(bytes, allocator: channel.allocator)
        try await channel.writeAndFlush(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(frame)))).get()
    }

    /// Ends the call with a status (0 is OK); the trailers close the stream.
    func finish(code: Int = 0, message: String = "") async {
        let (first, headersSent) = sent.withLock { s in
            defer { (s.finished, s.headers) = (true, true) }
            return (!s.finished, s.headers)
        }
        guard first else { return }
        var trailers = HPACKHeaders()
        if !headersSent {
            // Trailers-only response.
            trailers.add(name: ":status", value: "200")
            trailers.add(name: "content-type", value: "application/grpc")
        }
        trailers.add(name: "grpc-status", value: String(code))
        if !message.isEmpty {
            trailers.add(name: "grpc-message", value: message.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: " .-_/:"))) ?? "")
        }
        _ = try? await channel.writeAndFlush(HTTP2Frame.FramePayload.headers(.init(headers: trailers, endStream: true))).get()
    }
}

import Foundation

/// Serves one inbound HTTP/2 stream: collects the call's headers and messages and hands the call
/// to the router's handler for its path.
final class GRPCServerStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias Handler = @Sendable (GRPCServerCall) async -> Void

    private let route: (String) -> Handler?
    private let tasks: ServingTasks
    private var continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation?
    private var deframer = GRPCDeframer()

    /// Each call is served by a task of `tasks`, so that shutdown waits for it.
    init(route: @escaping (String) -> Handler?, tasks: ServingTasks) {
        self.route = route
        self.tasks = tasks
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let h) where continuation == nil:
            let path = h.headers.first(name: ":path") ?? ""
            var cont: AsyncThrowingStream<ByteBuffer, Error>.Continuation!
            let requests = AsyncThrowingStream<ByteBuffer, Error>(bufferingPolicy: .unbounded) { cont = $0 }
            continuation = cont
            let call = GRPCServerCall(path: path, metadata: h.headers, requests: requests, channel: context.channel)
            if h.endStream { cont.finish() }
            if let handler = route(path) {
                tasks.spawn { await handler(call) }
            } else {
                tasks.spawn { await call.finish(code: 12, message: "\(path) is not served by this session") }
            }
        case .data(let d):
            if case .byteBuffer(let buffer) = d.data {
                deframer.append(buffer)
                do {
                    while let message = try deframer.next() { continuation?.yield(message) }
                } catch {
                    continuation?.finish(throwing: error)
                }
            }
            if d.endStream { continuation?.finish() }
        case .headers(let h):
            if h.endStream { continuation?.finish() }
        case .rstStream:
            continuation?.finish(throwing: TransportError("the peer cancelled the call"))
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation?.finish()
        context.fireChannelInactive()
    }
}

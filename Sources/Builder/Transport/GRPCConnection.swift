import Foundation
import NIOCore
import NIOHTTP2
import SwiftProtobuf

/// An HTTP/2 connection on which we are the gRPC client (the engine's `/grpc`, or buildkitd).
public final class GRPCConnection: Sendable {
    let channel: Channel
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer

    init(channel: Channel, multiplexer: NIOHTTP2Handler.StreamMultiplexer) {
        self.channel = channel
        self.multiplexer = multiplexer
    }

    func call(_ path: String, metadata: [(String, String)] = []) async throws -> GRPCClientCall {
        let (responses, responder) = AsyncThrowingStream<ByteBuffer, Error>.makeStream(bufferingPolicy: .unbounded)
        let promise = channel.eventLoop.makePromise(of: Channel.self)
        multiplexer.createStreamChannel(promise: promise) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(GRPCClientCallHandler(path: path, continuation: responder))
            }
        }
        let stream = try await promise.futureResult.get()
        let headers = GRPCClientCall.headers(path: path, metadata: metadata)
        try await stream.writeAndFlush(HTTP2Frame.FramePayload.headers(.init(headers: headers))).get()
        return GRPCClientCall(path: path, channel: stream, responses: responses)
    }

    func unary<Response: Message>(_ path: String, _ request: Message, metadata: [(String, String)] = [],
                                  as: Response.Type = Response.self) async throws -> Response {
        let call = try await self.call(path, metadata: metadata)
        try await call.send(Array(try request.serializedBytes() as [UInt8]), last: true)
        var result: Response?
        for try await message in call.responses where result == nil {
            result = try Response(serializedBytes: Array(message.readableBytesView))
        }
        guard let result else { throw TransportError("\(path) returned no message") }
        return result
    }

    /// A call with one request and a stream of responses.
    func serverStream<Response: Message>(_ path: String, _ request: Message, metadata: [(String, String)] = [],
                                         as: Response.Type = Response.self) async throws -> AsyncThrowingMapSequence<AsyncThrowingStream<ByteBuffer, Error>, Response> {
        let call = try await self.call(path, metadata: metadata)
        try await call.send(Array(try request.serializedBytes() as [UInt8]), last: true)
        return call.responses.map { try Response(serializedBytes: Array($0.readableBytesView)) }
    }

    public func close() {
        channel.close(promise: nil)
    }
}

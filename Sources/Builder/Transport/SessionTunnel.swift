import Foundation
import NIOCore
import NIOPosix
import SwiftProtobuf
#if canImport(Glibc)
import Glibc
#endif

/// The session through `Control.Session`: a bidi stream of `BytesMessage` that carries a whole
/// HTTP/2 connection on which BuildKit is the client. A socket pair joins the two: our HTTP/2
/// server runs on one end, and the other end is pumped into and out of the stream. Works with
/// buildkitd and with the engine's `/grpc`.
enum SessionTunnel {
    static func open(connector: Connector, control: GRPCConnection, headers: [(String, String)],
                     router: @escaping @Sendable (String) -> GRPCServerStreamHandler.Handler?) async throws -> BuildSession {
        let call = try await control.call("/moby.buildkit.v1.Control/Session", metadata: headers.map { ($0.0.lowercased(), $0.1) })
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw TransportError("cannot create a socket pair: \(String(cString: strerror(errno)))")
        }
        let server = try await connector.serverChannel(fd: fds[0], router: router)

        let (chunks, outbound) = AsyncStream<ByteBuffer>.makeStream()
        let pump = try await ClientBootstrap(group: connector.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(TunnelReader(outbound)) }
            }
            .withConnectedSocket(fds[1]).get()
        // The socket pair is ours; its end is no news about the builder.
        connector.track(pump, peer: nil)
        // Our server's bytes go out in order, one message per chunk.
        connector.tasks.spawn {
            do {
                for await chunk in chunks {
                    var message = Moby_Buildkit_V1_BytesMessage()
                    message.data = Data(chunk.readableBytesView)
                    try await call.send(Array(try message.serializedBytes() as [UInt8]))
                }
                try await call.closeSend()
            } catch {
                // The stream ended under us: the receiving side reports why.
            }
        }
        // BuildKit's bytes come in and go to our server.
        connector.tasks.spawn {
            do {
                for try await message in call.responses {
                    let bytes = try Moby_Buildkit_V1_BytesMessage(serializedBytes: Array(message.readableBytesView))
                    var buffer = pump.allocator.buffer(capacity: bytes.data.count)
                    buffer.writeBytes(bytes.data)
                    try await pump.writeAndFlush(buffer).get()
                }
            } catch {
                // The tunnel closed: the build's own calls fail and say why.
            }
            pump.close(promise: nil)
        }
        return BuildSession(close: {
            outbound.finish()
            call.cancel()
            pump.close(promise: nil)
            server.close(promise: nil)
        })
    }
}

/// Hands what our end of the pair reads to the stream's sender.
final class TunnelReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let continuation: AsyncStream<ByteBuffer>.Continuation

    init(_ continuation: AsyncStream<ByteBuffer>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }
}

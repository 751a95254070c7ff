import Foundation
import NIOCore
import NIOHTTP2
import NIOPosix

/// Makes the HTTP/2 connections a build needs, over the engine's upgrades or straight to
/// buildkitd. One event loop group serves them all.
final class Connector {
    let address: BuilderAddress
    let group: MultiThreadedEventLoopGroup

    init(address: BuilderAddress) {
        self.address = address
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    func shutdown() {
        try? group.syncShutdownGracefully()
    }

    /// The control connection: we are the gRPC client.
    func control() async throws -> GRPCConnection {
        switch address {
        case .engine(let endpoint):
            let socket = try RawSocket(connectingTo: endpoint)
            let rest = try socket.upgrade(path: "/grpc", headers: [])
            return try await clientConnection(fd: socket.release(), leftover: rest)
        case .buildkitd(let endpoint):
            let socket = try RawSocket(connectingTo: endpoint)
            return try await clientConnection(fd: socket.release(), leftover: [])
        }
    }

    /// The engine's `/session` upgrade: the engine becomes the gRPC client, we serve `router`.
    func engineSession(headers: [(String, String)], router: @escaping (String) -> GRPCServerStreamHandler.Handler?) async throws -> Channel {
        guard case .engine(let endpoint) = address else { throw TransportError("the /session upgrade exists only on the Docker engine") }
        let socket = try RawSocket(connectingTo: endpoint)
        let rest = try socket.upgrade(path: "/session", headers: headers)
        return try await serverChannel(fd: socket.release(), leftover: rest, router: router)
    }

    private func clientConnection(fd: Int32, leftover: [UInt8]) async throws -> GRPCConnection {
        let muxPromise = group.next().makePromise(of: NIOHTTP2Handler.StreamMultiplexer.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.pipeline.addHandler(LeftoverBytesHandler(leftover)).flatMap {
                    // BuildKit opens no streams towards the control client.
                    channel.configureHTTP2Pipeline(mode: .client, connectionConfiguration: ConnectionLimits.connection,
                                                   streamConfiguration: ConnectionLimits.stream) { $0.close() }
                }.map { muxPromise.succeed($0) }
            }
            .withConnectedSocket(fd).get()
        return GRPCConnection(channel: channel, multiplexer: try await muxPromise.futureResult.get())
    }

    /// An HTTP/2 server on a connected socket (the session side).
    func serverChannel(fd: Int32, leftover: [UInt8], router: @escaping (String) -> GRPCServerStreamHandler.Handler?) async throws -> Channel {
        try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.pipeline.addHandler(LeftoverBytesHandler(leftover)).flatMap {
                    channel.configureHTTP2Pipeline(mode: .server, connectionConfiguration: ConnectionLimits.connection,
                                                   streamConfiguration: ConnectionLimits.stream) { stream in
                        stream.pipeline.addHandler(GRPCServerStreamHandler(route: router))
                    }.map { _ in }
                }
            }
            .withConnectedSocket(fd).get()
    }
}

/// Hands bytes that arrived with the HTTP/1.1 101 to the HTTP/2 handler before anything the
/// socket reads later.
final class LeftoverBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let leftover: [UInt8]

    init(_ leftover: [UInt8]) { self.leftover = leftover }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if !leftover.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: leftover.count)
            buffer.writeBytes(leftover)
            context.fireChannelRead(NIOAny(buffer))
            context.fireChannelReadComplete()
        }
        context.pipeline.removeHandler(self, promise: nil)
    }
}

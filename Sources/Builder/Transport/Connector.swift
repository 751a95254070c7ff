import Foundation
import NIOCore
import NIOHTTP2
import NIOPosix
import Synchronization

/// Makes the HTTP/2 connections a build needs, over the engine's upgrades or straight to
/// buildkitd. One event loop group serves them all; the connector knows every connection and
/// every task that may touch one, so that `shutdown` ends them in order.
final class Connector: Sendable {
    let address: BuilderAddress
    let group: MultiThreadedEventLoopGroup
    /// Handlers of BuildKit's calls, the tunnel's pumps, the cancel path.
    let tasks = ServingTasks()

    private struct State {
        var channels: [Channel] = []
        var closing = false
        /// The first reason a connection ended that we did not choose.
        var failure: TransportError?
    }

    private let state = Mutex(State())

    init(address: BuilderAddress) {
        self.address = address
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Why a connection ended without our asking (a silent or vanished builder), if one did.
    var failure: TransportError? { state.withLock { $0.failure } }

    /// `failure`, once the closes already under way have been seen. A call on a connection the
    /// builder dropped fails as its stream goes inactive, which can be a moment before the
    /// connection's close callback records why; waiting for the closed channels' futures (whose
    /// first callback is that record) orders the two.
    func lostReason() async -> TransportError? {
        for channel in state.withLock({ $0.channels }) where !channel.isActive {
            try? await channel.closeFuture.get()
        }
        return failure
    }

    /// Closes every connection; calls still waiting on them end with an error. Idempotent.
    func closeAll() {
        let channels = state.withLock { s in
            s.closing = true
            return s.channels
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Closes the connections, waits for them and for every tracked task, then stops the event
    /// loops. Nothing touches a channel after this.
    func shutdown() async {
        closeAll()
        for channel in state.withLock({ $0.channels }) { try? await channel.closeFuture.get() }
        await tasks.drain()
        try? await group.shutdownGracefully()
    }

    private func record(_ failure: TransportError) {
        state.withLock { s in
            if s.failure == nil, !s.closing { s.failure = failure }
        }
    }

    /// Keeps `channel` for `closeAll`; with a `peer`, a close we did not ask for is recorded as
    /// a failure and ends the others.
    func track(_ channel: Channel, peer: String?) {
        let late = state.withLock { s in
            s.channels.append(channel)
            return s.closing
        }
        if late { channel.close(promise: nil) }
        guard let peer else { return }
        channel.closeFuture.whenComplete { [self] _ in
            record(TransportError("\(peer) closed the connection during the build; did the engine stop or restart? (its log says why)"))
            closeAll()
        }
    }

    private func watch(_ timing: ConnectionWatch.Timing) -> ConnectionWatch {
        ConnectionWatch(peer: address.description, timing: timing) { [self] failure in
            record(failure)
            closeAll()
        }
    }

    /// The control connection: we are the gRPC client.
    func control() async throws -> GRPCConnection {
        switch address {
        case .engine(let endpoint):
            let (channel, mux) = try await EngineHTTP.upgrade(endpoint, group: group, path: "/grpc", headers: []) { channel in
                try self.installClient(on: channel)
            }
            track(channel, peer: address.description)
            return GRPCConnection(channel: channel, multiplexer: mux)
        case .buildkitd(let endpoint):
            let muxPromise = group.next().makePromise(of: NIOHTTP2Handler.StreamMultiplexer.self)
            let channel = try await EngineHTTP.dial(endpoint, group: group, pending: muxPromise) { channel in
                // Initializers run on the channel's event loop: the pipeline is built in place.
                channel.eventLoop.makeCompletedFuture { muxPromise.succeed(try self.installClient(on: channel)) }
            }
            track(channel, peer: address.description)
            return GRPCConnection(channel: channel, multiplexer: try await muxPromise.futureResult.get())
        }
    }

    /// The engine's `/session` upgrade: the engine becomes the gRPC client, we serve `router`.
    func engineSession(headers: [(String, String)], router: @escaping @Sendable (String) -> GRPCServerStreamHandler.Handler?) async throws -> Channel {
        guard case .engine(let endpoint) = address else { throw TransportError("the /session upgrade exists only on the Docker engine") }
        let (channel, _) = try await EngineHTTP.upgrade(endpoint, group: group, path: "/session", headers: headers) { channel in
            try self.installServer(on: channel, router: router)
        }
        track(channel, peer: address.description)
        return channel
    }

    /// An HTTP/2 server on a connected socket (the session side of the tunnel).
    func serverChannel(fd: Int32, router: @escaping @Sendable (String) -> GRPCServerStreamHandler.Handler?) async throws -> Channel {
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try self.installServer(on: channel, router: router) }
            }
            .withConnectedSocket(fd).get()
        track(channel, peer: address.description)
        return channel
    }

    /// The HTTP/2 pipeline of a control connection, with its watch. On the channel's event
    /// loop: in a channel initializer, or in the upgrade step after the engine's 101.
    private func installClient(on channel: Channel) throws -> NIOHTTP2Handler.StreamMultiplexer {
        let pipeline = channel.pipeline.syncOperations
        // BuildKit opens no streams towards the control client.
        let mux = try pipeline.configureHTTP2Pipeline(mode: .client, connectionConfiguration: ConnectionLimits.connection,
                                                      streamConfiguration: ConnectionLimits.stream) { $0.close() }
        try pipeline.addHandler(watch(.client))
        return mux
    }

    /// The HTTP/2 pipeline of a session we serve, with its watch; on the channel's event loop.
    private func installServer(on channel: Channel, router: @escaping @Sendable (String) -> GRPCServerStreamHandler.Handler?) throws {
        let tasks = self.tasks
        let pipeline = channel.pipeline.syncOperations
        _ = try pipeline.configureHTTP2Pipeline(mode: .server, connectionConfiguration: ConnectionLimits.connection,
                                                streamConfiguration: ConnectionLimits.stream) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(GRPCServerStreamHandler(route: router, tasks: tasks))
            }
        }
        try pipeline.addHandler(watch(.server))
    }
}

import Basics
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTP/1.1 with the engine, on SwiftNIO's HTTP/1 client: the small Engine API calls (one
/// connection each), and the `/grpc` and `/session` upgrades, after which the same connection
/// carries HTTP/2. Connections are made by `dial`, which buildkitd's direct connections use too.
enum EngineHTTP {
    /// A connect that gets no answer gives up after this (a host that drops packets would
    /// otherwise keep a TCP connect waiting for minutes).
    static let connectTimeout = TimeAmount.seconds(5)
    /// How long an upgrade request may wait for the engine's 101.
    static let upgradeTimeout = TimeAmount.seconds(5)
    /// How long a TLS handshake may take once connected.
    static let handshakeTimeout = TimeAmount.seconds(5)
    /// The largest answer body an API call reads. The engine's answers here are JSON documents
    /// of at most a few MB (the image list of a busy engine); anything larger is not one.
    static let maxBody = 32 << 20

    /// Connects to `endpoint`; `initialize` builds the pipeline before the connection is made.
    /// A connection that is not made fails `pending` too, which the initializer would complete.
    /// With TLS, the TLS handler goes first and `initialize` runs once the handshake is done,
    /// so that the time limits of its handlers count from then; a TLS failure, in the handshake
    /// or when the engine refuses our certificate after it, fails `pending` with an
    /// `EngineTLSFailure` before those handlers see anything of it.
    static func dial<T: Sendable>(_ endpoint: BuilderAddress.Endpoint, group: EventLoopGroup, pending: EventLoopPromise<T>,
                        initialize: @escaping @Sendable (Channel) -> EventLoopFuture<Void>) async throws -> Channel {
        guard case .tcp(let host, let port, let tls?) = endpoint else {
            return try await connect(endpoint, bootstrap: ClientBootstrap(group: group).connectTimeout(connectTimeout)
                .channelInitializer(initialize), pending: pending)
        }
        // Read before connecting: a file problem is the caller's bad input, not a connection's.
        let context: NIOSSLContext
        do {
            context = try EngineTLSContext.make(tls)
        } catch {
            pending.fail(error)
            throw error
        }
        let address = "\(endpoint)"
        let handshake = group.next().makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: group).connectTimeout(connectTimeout).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                // An address goes without SNI (it is not allowed there); swift-nio-ssl then
                // checks the certificate against the connected IP.
                let name = NetworkAddress.isIP(host) ? nil : host
                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name))
                try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatch(handshake: handshake) { kind, reason in
                    let failure = EngineTLSFailure(address: address, host: host, kind: kind, tls: tls, reason: reason)
                    pending.fail(failure)
                    return failure
                })
            }
        }
        let channel: Channel
        do {
            channel = try await connect(.tcp(host: host, port: port, tls: tls), bootstrap: bootstrap, pending: pending)
        } catch {
            handshake.fail(error)
            throw error
        }
        do {
            try await handshake.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        do {
            try await channel.eventLoop.flatSubmit { initialize(channel) }.get()
        } catch {
            // The engine may have refused our certificate meanwhile (TLS 1.3 says so after the
            // handshake) and the channel closed: the first failure of `pending` says more.
            channel.close(promise: nil)
            pending.fail(error)
            _ = try await pending.futureResult.get()
            throw error
        }
        return channel
    }

    private static func connect<T: Sendable>(_ endpoint: BuilderAddress.Endpoint, bootstrap: ClientBootstrap, pending: EventLoopPromise<T>) async throws -> Channel {
        do {
            switch endpoint {
            case .unix(let path): return try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port, _): return try await bootstrap.connect(host: host, port: port).get()
            }
        } catch {
            let failure = TransportError("cannot connect to \(endpoint): \(reason(connecting: error))")
            pending.fail(failure)
            throw failure
        }
    }

    /// Why a connect failed, in a few words (NIO's errors name its internals).
    static func reason(connecting error: Error) -> String {
        switch error {
        case let e as IOError: return String(cString: strerror(e.errnoCode))
        case ChannelError.connectTimeout: return "no answer within \(connectTimeout.nanoseconds / 1_000_000_000) s"
        case let e as NIOConnectionError:
            if let first = e.connectionErrors.first { return reason(connecting: first.error) }
            return "cannot resolve \(e.host)"
        case is SocketAddressError: return "not a usable socket address (\(error))"
        default: return "\(error)"
        }
    }

    // MARK: upgrades

    /// `POST path` with `Upgrade: h2c`. On the engine's 101, SwiftNIO removes the HTTP/1
    /// handlers and `install` builds the HTTP/2 pipeline in their place (on the event loop);
    /// bytes that came with the 101 reach it before anything read later.
    static func upgrade<Installed: Sendable>(
        _ endpoint: BuilderAddress.Endpoint, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        path: String, headers: [(String, String)],
        install: @escaping @Sendable (Channel) throws -> Installed
    ) async throws -> (channel: Channel, installed: Installed) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
        head.headers.add(name: "Host", value: "docker")
        head.headers.add(name: "Content-Length", value: "0")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let request = head
        let peer = "\(endpoint)"
        let answer = group.next().makePromise(of: Installed.self)
        let channel = try await dial(endpoint, group: group, pending: answer) { channel in
            channel.eventLoop.makeCompletedFuture {
                let waiter = UpgradeWaiter(request: request, peer: peer, promise: answer)
                let upgrader = H2CUpgrader { context in
                    // The waiter reads HTTP/1 parts: it goes before HTTP/2 frames come by.
                    // (Its removal is immediate, as for any handler with the default one.)
                    context.pipeline.syncOperations.removeHandler(waiter, promise: nil)
                    return try install(context.channel)
                } done: { waiter.finish($0) }
                // `forwardBytes`: what the decoder holds after the 101 is passed on (and
                // buffered by the upgrade handler until the HTTP/2 handler is in place).
                try channel.pipeline.syncOperations.addHTTPClientHandlers(
                    leftOverBytesStrategy: .forwardBytes,
                    withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                try channel.pipeline.syncOperations.addHandler(waiter)
            }
        }
        do {
            return (channel, try await answer.futureResult.get())
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    // MARK: API calls

    struct Response: Sendable {
        let status: Int
        let body: ByteBuffer
    }

    /// One request on a connection of its own; the answer's body de-chunked by SwiftNIO and at
    /// most `limit` bytes. `body`, when given, is streamed with chunked encoding. The whole
    /// exchange must end within `timeout`.
    static func request(_ endpoint: BuilderAddress.Endpoint, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                        method: HTTPMethod, path: String, contentType: String? = nil, body: FileHandle? = nil,
                        data: Data? = nil, host: String = "docker", timeout: TimeAmount, limit: Int = maxBody) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Connection", value: "close")
        if let contentType { head.headers.add(name: "Content-Type", value: contentType) }
        if body != nil {
            head.headers.add(name: "Transfer-Encoding", value: "chunked")
        } else {
            head.headers.add(name: "Content-Length", value: String(data?.count ?? 0))
        }
        let what = "\(method) \(path.split(separator: "?").first ?? "")"
        let answer = group.next().makePromise(of: Response.self)
        let channel = try await dial(endpoint, group: group, pending: answer) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(
                    ResponseCollector(peer: "\(endpoint)", what: what, limit: limit, timeout: timeout, promise: answer))
            }
        }
        defer { channel.close(promise: nil) }
        do {
            try await channel.writeAndFlush(HTTPClientRequestPart.head(head)).get()
            if let data, !data.isEmpty {
                try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: data)))).get()
            }
            if let body {
                while let chunk = try body.read(upToCount: 1 << 20), !chunk.isEmpty {
                    // One chunk on the wire at a time: the file is read no faster than the
                    // engine takes it.
                    try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: chunk)))).get()
                }
            }
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        } catch {
            // The engine may have answered (an error, a body too large) and closed before
            // taking the whole request: an answer already read says more than the failed
            // write, so the collector, which sees both in order, decides.
            channel.pipeline.fireUserInboundEventTriggered(ResponseCollector.SendFailed(reason: "\(error)"))
        }
        return try await answer.futureResult.get()
    }
}

extension EngineHTTP {
    /// One request whose answer is streamed: `onBody` gets each part of the body as it comes
    /// (on an event loop), until the engine ends the answer or closes. No time limit: a
    /// followed log ends when its container does. Returns the status. `data` is sent as the
    /// request's body (JSON), with `headers` besides.
    static func stream(_ endpoint: BuilderAddress.Endpoint, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                       method: HTTPMethod, path: String, host: String = "docker", headers: [(String, String)] = [],
                       data: Data? = nil, onHead: (@Sendable (Int) -> Void)? = nil,
                       onBody: @escaping @Sendable (ByteBuffer) -> Void) async throws -> Int {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Connection", value: "close")
        if data != nil { head.headers.add(name: "Content-Type", value: "application/json") }
        head.headers.add(name: "Content-Length", value: String(data?.count ?? 0))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let what = "\(method) \(path.split(separator: "?").first ?? "")"
        let answer = group.next().makePromise(of: Int.self)
        let channel = try await dial(endpoint, group: group, pending: answer) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(StreamReader(peer: "\(endpoint)", what: what, onHead: onHead, onBody: onBody, promise: answer))
            }
        }
        defer { channel.close(promise: nil) }
        do {
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if let data, !data.isEmpty {
                channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: data))), promise: nil)
            }
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        } catch {
            // A quick answer (a refused push) may end and close the connection before the
            // write is confirmed: the answer, which the reader completes on the close, counts.
            if let status = try? await answer.futureResult.get() { return status }
            throw TransportError("sending \(what) to \(endpoint) failed: \(error)")
        }
        return try await answer.futureResult.get()
    }
}

/// Passes each part of an answer's body on as it comes; the status once the answer ends.
final class StreamReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let peer: String
    private let what: String
    private let onHead: (@Sendable (Int) -> Void)?
    private let onBody: @Sendable (ByteBuffer) -> Void
    private let promise: EventLoopPromise<Int>
    private var status = 0
    private var finished = false

    init(peer: String, what: String, onHead: (@Sendable (Int) -> Void)? = nil, onBody: @escaping @Sendable (ByteBuffer) -> Void,
         promise: EventLoopPromise<Int>) {
        self.peer = peer
        self.what = what
        self.onHead = onHead
        self.onBody = onBody
        self.promise = promise
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<Int, Error>) {
        guard !finished else { return }
        finished = true
        promise.completeWith(result)
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            onHead?(status)
        case .body(let part): onBody(part)
        case .end: finish(context, .success(status))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(context, .failure(TransportError("\(peer) did not answer \(what) in HTTP/1.1 (\(error))")))
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A closed stream after its head is its end (the engine closes a followed log so).
        finish(context, status == 0 ? .failure(TransportError("\(peer) closed the connection before answering \(what)")) : .success(status))
        context.fireChannelInactive()
    }
}

/// The upgrade step, run on the event loop once the HTTP/1 handlers are gone: `step` builds
/// the new pipeline, `done` learns how that went. The upgrade handler then passes on what it
/// buffered meanwhile and leaves.
final class H2CUpgrader<Installed>: NIOHTTPClientProtocolUpgrader {
    let supportedProtocol = "h2c"
    let requiredUpgradeHeaders: [String] = []
    private let step: (ChannelHandlerContext) throws -> Installed
    private let done: (Result<Installed, Error>) -> Void

    init(step: @escaping (ChannelHandlerContext) throws -> Installed, done: @escaping (Result<Installed, Error>) -> Void) {
        self.step = step
        self.done = done
    }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {}

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool { true }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        let result = Result { try step(context) }
        done(result)
        if case .failure = result { context.close(promise: nil) }
        return context.eventLoop.makeSucceededVoidFuture()
    }
}

/// Sends the upgrade request when the connection is up and turns whatever is not a 101 (an
/// other status, no answer in time, a close, bytes that are not HTTP/1.1) into an error.
final class UpgradeWaiter<Installed: Sendable>: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let peer: String
    private let promise: EventLoopPromise<Installed>
    private var finished = false
    private var sent = false
    private var deadline: Scheduled<Void>?

    init(request: HTTPRequestHead, peer: String, promise: EventLoopPromise<Installed>) {
        self.request = request
        self.peer = peer
        self.promise = promise
    }

    private var what: String { "POST \(request.uri)" }

    func finish(_ result: Result<Installed, Error>) {
        guard !finished else { return }
        finished = true
        deadline?.cancel()
        promise.completeWith(result)
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        finish(.failure(TransportError(message)))
        context.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { send(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    private func send(_ context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let seconds = EngineHTTP.upgradeTimeout.nanoseconds / 1_000_000_000
        deadline = context.eventLoop.scheduleTask(in: EngineHTTP.upgradeTimeout) {
            let (waiter, context) = bound.value
            waiter.fail(context, "\(waiter.peer) accepted the connection but did not answer \(waiter.what) within \(seconds) s; is it a Docker engine?")
        }
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenFailure { error in
            let (waiter, context) = bound.value
            waiter.fail(context, "sending \(waiter.what) to \(waiter.peer) failed: \(error)")
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only an answer that is not a 101 comes this far: the upgrade handler takes a 101.
        if case .head(let head) = unwrapInboundIn(data) {
            fail(context, "the engine answered \(head.status.code) to \(what) instead of switching to HTTP/2; is it Docker 20.10 or newer with BuildKit?")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, "\(peer) did not answer \(what) in HTTP/1.1 (\(error)); is it a Docker engine?")
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context, "\(peer) closed the connection before answering \(what)")
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }
}

/// Collects one answer: status and body (de-chunked by the decoder), within a size limit and
/// a time limit.
final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let peer: String
    private let what: String
    private let limit: Int
    private let timeout: TimeAmount
    private let promise: EventLoopPromise<EngineHTTP.Response>
    private var status: Int?
    private var body = ByteBuffer()
    private var finished = false
    private var deadline: Scheduled<Void>?

    init(peer: String, what: String, limit: Int, timeout: TimeAmount, promise: EventLoopPromise<EngineHTTP.Response>) {
        self.peer = peer
        self.what = what
        self.limit = limit
        self.timeout = timeout
        self.promise = promise
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<EngineHTTP.Response, Error>) {
        guard !finished else { return }
        finished = true
        deadline?.cancel()
        promise.completeWith(result)
        context.close(promise: nil)
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        finish(context, .failure(TransportError(message)))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let seconds = timeout.nanoseconds / 1_000_000_000
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let (collector, context) = bound.value
            collector.fail(context, "\(collector.peer) did not answer \(collector.what) within \(seconds) s; is it a Docker engine?")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                fail(context, "the engine's answer to \(what) is \(length) bytes; at most \(limit) are read")
            }
        case .body(var part):
            guard body.readableBytes + part.readableBytes <= limit else {
                fail(context, "the engine's answer to \(what) is over \(limit) bytes; at most \(limit) are read")
                return
            }
            body.writeBuffer(&part)
        case .end:
            finish(context, .success(EngineHTTP.Response(status: status ?? 0, body: body)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, "\(peer) did not answer \(what) in HTTP/1.1 (\(error)); is it a Docker engine?")
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context, "\(peer) closed the connection before answering \(what)")
        context.fireChannelInactive()
    }

    /// The request could not be sent whole; ends the exchange unless an answer already did.
    struct SendFailed: Sendable {
        let reason: String
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let failed = event as? SendFailed {
            fail(context, "sending \(what) to \(peer) failed: \(failed.reason)")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

import Basics
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTP(S) requests to package indexes, on SwiftNIO: one connection a request, redirects
/// followed, a time limit on the whole exchange, certificates checked against the system's
/// trust store, and `https_proxy` / `http_proxy` (with `no_proxy`) honoured, as curl does.
///
/// Foundation's URLSession did this before. On Linux it brings libcurl and some 30 libraries
/// with it, which every start of cogpack paid for (about 10 ms of a 120 ms `resolve`), while
/// only `data refresh` and the index probe ever make a request.
public enum WebClient {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]
        /// The final URL, after redirects.
        public let url: URL

        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The largest body read: a project page of the package index is a few MB at most.
    static let maxBody = 256 << 20
    static let maxRedirects = 8

    /// Whether `url` gives any HTTP answer (to a HEAD) within `seconds`.
    public static func answers(_ url: URL, within seconds: Int64) async -> Bool {
        (try? await send(.HEAD, url, timeout: .seconds(seconds))) != nil
    }

    public static func get(_ url: URL, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws -> Response {
        try await send(.GET, url, headers: headers, timeout: timeout)
    }

    /// `method` to `url`, following redirects (a 303 becomes a GET, as browsers and curl do).
    public static func send(_ method: HTTPMethod, _ url: URL, headers: [(String, String)] = [],
                            timeout: TimeAmount = .seconds(60)) async throws -> Response {
        var (method, url) = (method, url)
        for _ in 0...maxRedirects {
            let response = try await once(method, url, headers: headers, timeout: timeout)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location"),
                  let next = URL(string: location, relativeTo: url)?.absoluteURL else { return response }
            if response.status == 303 { method = .GET }
            url = next
        }
        throw Failure(description: "\(url): more than \(maxRedirects) redirects")
    }

    private static func once(_ method: HTTPMethod, _ url: URL, headers: [(String, String)], timeout: TimeAmount) async throws -> Response {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw Failure(description: "\(url): not an http or https URL")
        }
        let tls = scheme == "https"
        let port = url.port ?? (tls ? 443 : 80)
        let proxy = Proxy.forURL(scheme: scheme, host: host)
        // As written, escapes and a trailing slash kept (`url.path` drops the slash, and the
        // index then redirects to the same URL again).
        let written = url.path(percentEncoded: true)
        var path = written.isEmpty ? "/" : written
        // An http request through a proxy names the whole URL.
        if !tls, proxy != nil { path = url.absoluteString } else if let query = url.query(percentEncoded: true) { path += "?" + query }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        head.headers.add(name: "User-Agent", value: "cogpack")
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let request = head

        let group = MultiThreadedEventLoopGroup.singleton
        let answer = group.next().makePromise(of: Response.self)
        let context: NIOSSLContext? = tls ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let tunnel = tls ? proxy : nil
        let bootstrap = ClientBootstrap(group: group).connectTimeout(.seconds(15)).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let http = { (channel: Channel) throws in
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: NetworkAddress.isIP(host) ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(Collector(url: url, request: request, timeout: timeout, promise: answer))
                }
                if tunnel != nil {
                    try channel.pipeline.syncOperations.addHandler(Tunnel(target: "\(host):\(port)", url: url, promise: answer, then: http))
                } else {
                    try http(channel)
                }
            }
        }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: proxy?.host ?? host, port: proxy?.port ?? port).get()
        } catch {
            answer.fail(error)
            throw Failure(description: "\(url): cannot connect to \(proxy.map { "the proxy \($0.host):\($0.port)" } ?? "\(host):\(port)"): \(error)")
        }
        defer { channel.close(promise: nil) }
        return try await answer.futureResult.get()
    }

    /// The proxy the environment names for a URL, as curl reads it: `https_proxy` (or
    /// `HTTPS_PROXY`) for https, `http_proxy` for http, none for a host `no_proxy` lists
    /// (a name, a domain suffix, or `*`).
    struct Proxy: Equatable {
        let host: String
        let port: Int

        static func forURL(scheme: String, host: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Proxy? {
            let names = scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
            guard let value = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return nil }
            let exempt = (environment["no_proxy"] ?? environment["NO_PROXY"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            let name = host.lowercased()
            for entry in exempt {
                if entry == "*" { return nil }
                let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
                if name == domain || name.hasSuffix("." + domain) { return nil }
            }
            let text = value.contains("://") ? value : "http://" + value
            guard let url = URL(string: text), let proxyHost = url.host else { return nil }
            return Proxy(host: proxyHost, port: url.port ?? 80)
        }
    }

    /// `CONNECT host:port` to the proxy; on its 200, steps aside for TLS and HTTP.
    private final class Tunnel: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer

        let target: String
        let url: URL
        let promise: EventLoopPromise<Response>
        let then: (Channel) throws -> Void
        var received = ByteBuffer()

        init(target: String, url: URL, promise: EventLoopPromise<Response>, then: @escaping (Channel) throws -> Void) {
            self.target = target
            self.url = url
            self.promise = promise
            self.then = then
        }

        func channelActive(context: ChannelHandlerContext) {
            let text = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\nUser-Agent: cogpack\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
            context.fireChannelActive()
        }

        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var part = unwrapInboundIn(data)
            received.writeBuffer(&part)
            guard let text = received.getString(at: received.readerIndex, length: received.readableBytes),
                  let end = text.range(of: "\r\n\r\n") else {
                if received.readableBytes > 16 << 10 { fail(context, "the proxy's answer to CONNECT has no end") }
                return
            }
            let status = text[..<end.lowerBound].split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
            guard status == 200 else {
                fail(context, "the proxy refused CONNECT \(target): \(text.prefix { $0 != "\r" })")
                return
            }
            do {
                // Added to an active channel, TLS says hello at once and the collector sends
                // its request (held by TLS until the handshake is done).
                try then(context.channel)
                context.pipeline.syncOperations.removeHandler(self, promise: nil)
            } catch {
                fail(context, "\(error)")
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(Failure(description: "\(url): the proxy closed the connection"))
        }

        private func fail(_ context: ChannelHandlerContext, _ message: String) {
            promise.fail(Failure(description: "\(url): \(message)"))
            context.close(promise: nil)
        }
    }

    /// Sends the request once connected (after TLS, when there is TLS) and collects the
    /// answer, within the time limit and the size limit.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart

        let url: URL
        let request: HTTPRequestHead
        let timeout: TimeAmount
        let promise: EventLoopPromise<Response>
        var status = 0
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var finished = false
        var deadline: Scheduled<Void>?

        init(url: URL, request: HTTPRequestHead, timeout: TimeAmount, promise: EventLoopPromise<Response>) {
            self.url = url
            self.request = request
            self.timeout = timeout
            self.promise = promise
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                let (collector, context) = bound.value
                collector.finish(context, .failure(Failure(description: "\(collector.url): no answer within \(collector.timeout.nanoseconds / 1_000_000_000) s")))
            }
            if context.channel.isActive { send(context) }
        }

        func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel() }

        func channelActive(context: ChannelHandlerContext) {
            send(context)
            context.fireChannelActive()
        }

        private var sent = false
        private func send(_ context: ChannelHandlerContext) {
            guard !sent else { return }
            sent = true
            context.write(wrapOutboundOut(.head(request)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                status = Int(head.status.code)
                headers = head.headers.map { (name: $0.name, value: $0.value) }
            case .body(let part):
                guard body.count + part.readableBytes <= WebClient.maxBody else {
                    finish(context, .failure(Failure(description: "\(url): the answer is over \(WebClient.maxBody) bytes")))
                    return
                }
                body += part.readableBytesView
            case .end:
                finish(context, .success(Response(status: status, headers: headers, body: body, url: url)))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            finish(context, .failure(Failure(description: "\(url): \(error)")))
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(context, .failure(Failure(description: "\(url): the connection closed before the answer ended")))
        }

        private func finish(_ context: ChannelHandlerContext, _ result: Result<Response, Error>) {
            guard !finished else { return }
            finished = true
            deadline?.cancel()
            promise.completeWith(result)
            context.close(promise: nil)
        }
    }
}

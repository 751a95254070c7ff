import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The few Docker Engine API calls cogpack makes besides BuildKit's: listing and inspecting
/// images, asking whether a registry image can be pulled, importing a base image, and running a
/// model's container (Containers.swift). HTTP/1.1
/// on the engine socket through SwiftNIO's client, one connection per call.
public struct EngineAPI: Sendable {
    public let endpoint: BuilderAddress.Endpoint
    private let group: EventLoopGroup

    public init(endpoint: BuilderAddress.Endpoint) {
        self.endpoint = endpoint
        group = MultiThreadedEventLoopGroup.singleton
    }

    public struct Response: Sendable {
        public let status: Int
        public let body: Data
    }

    /// `body` is streamed with chunked encoding when given as a file handle. The answer's body
    /// is read whole, up to `EngineHTTP.maxBody` bytes.
    public func request(_ method: String, _ path: String, body: FileHandle? = nil, data: Data? = nil, contentType: String? = nil,
                        timeout: TimeInterval = 30) async throws -> Response {
        let r = try await EngineHTTP.request(endpoint, group: group, method: HTTPMethod(rawValue: method), path: path,
                                             contentType: contentType, body: body, data: data, timeout: .milliseconds(Int64(timeout * 1000)))
        return Response(status: r.status, body: Data(r.body.readableBytesView))
    }

    /// Whether the engine answers. TLS that does not work, and TLS files that cannot be read,
    /// are thrown instead: "no engine there" would send the user looking in the wrong place.
    public func ping() async throws -> Bool {
        let answer: Response
        do {
            answer = try await request("GET", "/_ping", timeout: 3)
        } catch let e as EngineTLSFailure {
            throw e
        } catch let e as EngineTLS.FileProblem {
            throw e
        } catch {
            return false
        }
        // Go's TLS server answers a plain HTTP request with 400 and this text (crypto/tls).
        if answer.status == 400, String(decoding: answer.body, as: UTF8.self).contains("HTTP request to an HTTPS server") {
            throw EngineTLSFailure(address: "\(endpoint)", host: endpoint.host ?? "", kind: .tlsRequired, tls: nil,
                                   reason: "it answered 400: Client sent an HTTP request to an HTTPS server")
        }
        return answer.status == 200
    }

    static func query(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? s
    }

    public func images() async throws -> [[String: Any]] {
        let r = try await request("GET", "/images/json")
        guard r.status == 200 else { throw TransportError("listing images failed: \(String(decoding: r.body, as: UTF8.self))") }
        return (try JSONSerialization.jsonObject(with: r.body) as? [[String: Any]]) ?? []
    }

    /// The engine's inspect of an image, or nil when it has none by that name.
    public func inspect(image: String) async throws -> [String: Any]? {
        let r = try await request("GET", "/images/\(Self.query(image))/json")
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw TransportError("inspecting \(image) failed: \(String(decoding: r.body, as: UTF8.self))") }
        return try JSONSerialization.jsonObject(with: r.body) as? [String: Any]
    }

    /// Whether the engine can reach the image's registry and finds it there.
    public func isPullable(_ image: String, timeout: TimeInterval = 8) async -> Bool {
        (try? await request("GET", "/distribution/\(ImageReference.qualified(image))/json", timeout: timeout).status) == 200
    }

    /// `docker tag`: gives the image `image` the name `repository:tag` as well (its ID is unchanged).
    public func tag(image: String, repository: String, tag: String) async throws {
        let r = try await request("POST", "/images/\(Self.query(image))/tag?repo=\(Self.query(repository))&tag=\(Self.query(tag))")
        guard r.status == 201 || r.status == 200 else {
            let message = ((try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any])?["message"] as? String
                ?? String(decoding: r.body.prefix(300), as: UTF8.self)
            throw TransportError("tagging \(image) as \(repository):\(tag) failed (\(r.status)): \(message)")
        }
    }

    /// `docker import` of a root file system tar, with Dockerfile-style changes (`LABEL k=v`).
    public func importImage(tar: FileHandle, repository: String, tag: String, changes: [String]) async throws -> String {
        var path = "/images/create?fromSrc=-&repo=\(Self.query(repository))&tag=\(Self.query(tag))"
        for c in changes { path += "&changes=\(Self.query(c))" }
        let r = try await request("POST", path, body: tar, contentType: "application/x-tar", timeout: 600)
        let text = String(decoding: r.body, as: UTF8.self)
        guard r.status == 200, !text.contains("\"error\"") else { throw TransportError("importing the image failed: \(text)") }
        return text
    }
}

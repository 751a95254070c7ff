import Foundation

/// The few Docker Engine API calls cogpack makes besides BuildKit's: listing and inspecting
/// images, asking whether a registry image can be pulled, and importing a base image. Plain
/// HTTP/1.1 on the engine socket, one connection per call.
public struct EngineAPI: Sendable {
    public let endpoint: BuilderAddress.Endpoint

    public init(endpoint: BuilderAddress.Endpoint) { self.endpoint = endpoint }

    public struct Response {
        public let status: Int
        public let body: Data
    }

    /// `body` is streamed with chunked encoding when given as a file handle.
    public func request(_ method: String, _ path: String, body: FileHandle? = nil, contentType: String? = nil,
                        timeout: TimeInterval = 30) throws -> Response {
        let socket = try RawSocket(connectingTo: endpoint, timeout: timeout)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += body == nil ? "Content-Length: 0\r\n\r\n" : "Transfer-Encoding: chunked\r\n\r\n"
        try socket.write(Array(head.utf8))
        if let body {
            while let chunk = try body.read(upToCount: 1 << 20), !chunk.isEmpty {
                try socket.write(Array((String(chunk.count, radix: 16) + "\r\n").utf8) + Array(chunk) + Array("\r\n".utf8))
            }
            try socket.write(Array("0\r\n\r\n".utf8))
        }
        let (status, headers, rest) = try socket.readResponseHead()
        var raw = rest
        while true {
            let chunk = try socket.read()
            if chunk.isEmpty { break }
            raw += chunk
        }
        let payload = headers["transfer-encoding"]?.lowercased() == "chunked" ? Self.dechunk(raw) : raw
        return Response(status: status, body: Data(payload))
    }

    static func dechunk(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < raw.count {
            guard let lineEnd = (i..<(raw.count - 1)).first(where: { raw[$0] == 13 && raw[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: raw[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            guard start + size <= raw.count else { out += raw[start...]; break }
            out += raw[start..<(start + size)]
            i = start + size + 2
        }
        return out
    }

    public func ping() -> Bool {
        (try? request("GET", "/_ping", timeout: 3).status) == 200
    }

    static func query(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? s
    }

    public func images() throws -> [[String: Any]] {
        let r = try request("GET", "/images/json")
        guard r.status == 200 else { throw TransportError("listing images failed: \(String(decoding: r.body, as: UTF8.self))") }
        return (try JSONSerialization.jsonObject(with: r.body) as? [[String: Any]]) ?? []
    }

    /// The engine's inspect of an image, or nil when it has none by that name.
    public func inspect(image: String) throws -> [String: Any]? {
        let r = try request("GET", "/images/\(Self.query(image))/json")
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw TransportError("inspecting \(image) failed: \(String(decoding: r.body, as: UTF8.self))") }
        return try JSONSerialization.jsonObject(with: r.body) as? [String: Any]
    }

    /// Whether the engine can reach the image's registry and finds it there.
    public func isPullable(_ image: String, timeout: TimeInterval = 8) -> Bool {
        (try? request("GET", "/distribution/\(ImageReference.qualified(image))/json", timeout: timeout).status) == 200
    }

    /// `docker import` of a root file system tar, with Dockerfile-style changes (`LABEL k=v`).
    public func importImage(tar: FileHandle, repository: String, tag: String, changes: [String]) throws -> String {
        var path = "/images/create?fromSrc=-&repo=\(Self.query(repository))&tag=\(Self.query(tag))"
        for c in changes { path += "&changes=\(Self.query(c))" }
        let r = try request("POST", path, body: tar, contentType: "application/x-tar", timeout: 600)
        let text = String(decoding: r.body, as: UTF8.self)
        guard r.status == 200, !text.contains("\"error\"") else { throw TransportError("importing the image failed: \(text)") }
        return text
    }
}

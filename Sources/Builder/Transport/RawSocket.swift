import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking socket for the few plain HTTP/1.1 exchanges with the engine: the upgrade requests
/// before HTTP/2 takes over, and small Engine API calls. The file descriptor is handed to
/// SwiftNIO after an upgrade.
final class RawSocket {
    private(set) var fd: Int32
    private var owned = true
    private let peer: String
    private let timeout: TimeInterval

    init(connectingTo endpoint: BuilderAddress.Endpoint, timeout: TimeInterval = 5) throws {
        peer = "\(endpoint)"
        self.timeout = timeout
        switch endpoint {
        case .unix(let path):
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw TransportError("cannot create a socket: \(String(cString: strerror(errno)))") }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw TransportError("socket path too long: \(path)") }
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in bytes.enumerated() { raw[i] = b }
                raw[bytes.count] = 0
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if rc != 0 {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw TransportError("cannot connect to \(endpoint): \(reason)")
            }
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
                throw TransportError("cannot resolve \(host)")
            }
            defer { freeaddrinfo(result) }
            fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { throw TransportError("cannot create a socket: \(String(cString: strerror(errno)))") }
            if let reason = Self.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen, timeout: timeout) {
                close(fd)
                throw TransportError("cannot connect to \(endpoint): \(reason)")
            }
        }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { if owned { close(fd) } }

    /// A TCP connect that gives up after `timeout` (a blocking one waits minutes for a host
    /// that drops packets). Returns why it failed, or nil.
    private static func connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t, timeout: TimeInterval) -> String? {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        if Glibc.connect(fd, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&poller, 1, Int32(timeout * 1000))
        if ready == 0 { return "no answer within \(Int(timeout)) s" }
        if ready < 0 { return String(cString: strerror(errno)) }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0 ? nil : String(cString: strerror(error))
    }

    /// Gives the descriptor away (to SwiftNIO); this object no longer closes it.
    func release() -> Int32 {
        owned = false
        var tv = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw TransportError("write failed: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    func read(max: Int = 65536) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: max)
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, max) }
        guard n >= 0 else {
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw TransportError("\(peer) accepted the connection but did not answer within \(Int(timeout)) s; is it a Docker engine?")
            }
            throw TransportError("read failed: \(String(cString: strerror(errno)))")
        }
        return Array(buf.prefix(n))
    }

    /// Reads an HTTP/1.1 response head; returns the status, the headers and the bytes after it.
    func readResponseHead() throws -> (status: Int, headers: [String: String], rest: [UInt8]) {
        var data: [UInt8] = []
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            let chunk = try read()
            if chunk.isEmpty { throw TransportError("\(peer) closed the connection before answering") }
            data += chunk
            // An engine's answer head is a few hundred bytes; do not buffer a stream of garbage.
            guard data.count <= 64 << 10 else { throw TransportError("\(peer) sent no HTTP/1.1 answer head within 64 KiB; is it a Docker engine?") }
            if let r = find(end, in: data) {
                let head = String(decoding: data[..<r], as: UTF8.self)
                let rest = Array(data[(r + 4)...])
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                return (status, headers, rest)
            }
        }
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    /// `POST path` with `Upgrade: h2c`; after the 101 the socket speaks HTTP/2. Bytes that came
    /// with the 101 belong to the HTTP/2 connection and are returned.
    func upgrade(path: String, headers: [(String, String)]) throws -> [UInt8] {
        var request = "POST \(path) HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        try write(Array(request.utf8))
        let head = try readResponseHead()
        guard head.status == 101 else {
            throw TransportError("the engine answered \(head.status) to POST \(path) instead of switching to HTTP/2; is it Docker 20.10 or newer with BuildKit?")
        }
        return head.rest
    }
}

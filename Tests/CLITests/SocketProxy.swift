import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Unix-socket proxy in front of the engine, that a test can cut: every connection through it
/// closes at once, as when the engine dies mid-build.
final class SocketProxy: @unchecked Sendable {
    let path: String
    private let upstream: String
    private let listener: Int32
    private let lock = NSLock()
    private var open: [Int32] = []
    private var cut = false

    init(upstream: String) throws {
        // A write to a connection the other side closed must be an error the copy loop sees, not
        // a SIGPIPE that kills the whole test process (the default action).
        signal(SIGPIPE, SIG_IGN)
        self.upstream = upstream
        path = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString.prefix(8)).sock").path
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard Self.bind(listener, path), listen(listener, 64) == 0 else { throw CocoaError(.fileWriteUnknown) }
        Thread.detachNewThread { [self] in accept() }
    }

    /// Connections made so far (the build opens several: API calls, `/grpc`, `/session`).
    var connections: Int { lock.withLock { open.count / 2 } }

    /// Closes the listener and every connection through it.
    func cutAll() {
        let fds = lock.withLock { () -> [Int32] in
            cut = true
            return open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in fds { shutdown(fd, Int32(SHUT_RDWR)) }
        unlink(path)
    }

    private func accept() {
        while true {
            let client = Glibc.accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard Self.connect(server, upstream) else { close(client); continue }
            let refused = lock.withLock { () -> Bool in
                open += [client, server]
                return cut
            }
            if refused { shutdown(client, Int32(SHUT_RDWR)); shutdown(server, Int32(SHUT_RDWR)) }
            Thread.detachNewThread { Self.pump(from: client, to: server) }
            Thread.detachNewThread { Self.pump(from: server, to: client) }
        }
    }

    private static func pump(from a: Int32, to b: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(a, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let m = buffer[sent..<n].withUnsafeBytes { write(b, $0.baseAddress, $0.count) }
                if m <= 0 { break }
                sent += m
            }
            if sent < n { break }
        }
        shutdown(b, Int32(SHUT_RDWR))
        shutdown(a, Int32(SHUT_RDWR))
    }

    private static func address(_ path: String) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        return addr
    }

    private static func bind(_ fd: Int32, _ path: String) -> Bool {
        var addr = address(path)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }

    private static func connect(_ fd: Int32, _ path: String) -> Bool {
        var addr = address(path)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }
}

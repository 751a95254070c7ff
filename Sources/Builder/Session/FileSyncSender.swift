import Foundation
import SwiftProtobuf

/// The sender's side of fsutil's DiffCopy: every entry as a STAT packet, an empty STAT to end
/// the listing, then the file data the receiver asks for, until it says FIN.
struct FileSyncSender {
    /// Bytes of file data per DATA packet. fsutil's own sender uses 32 KiB; the receiver takes
    /// any size, and grpc-go's default receive limit is 4 MiB a message. 1 MiB packets make a
    /// 256 MiB file 256 awaited writes instead of 8,192.
    static let chunkSize = 1 << 20

    let entries: [ContextEntry]

    func run(_ call: GRPCServerCall) async throws {
        var files: [UInt32: ContextEntry] = [:]
        for (i, entry) in entries.enumerated() {
            var stat = Fsutil_Types_Stat()
            stat.path = entry.path
            stat.mode = entry.mode
            stat.uid = 0
            stat.gid = 0
            stat.size = entry.mode & ContextEntry.modeDir != 0 ? 0 : entry.size
            stat.modTime = entry.modTime
            stat.linkname = entry.linkname
            var packet = Fsutil_Types_Packet()
            packet.type = .packetStat
            packet.stat = stat
            try await send(packet, on: call)
            if entry.isRegular { files[UInt32(i)] = entry }
        }
        var end = Fsutil_Types_Packet()
        end.type = .packetStat
        try await send(end, on: call)

        for try await message in call.requests {
            let packet = try Fsutil_Types_Packet(serializedBytes: Array(message.readableBytesView))
            switch packet.type {
            case .packetReq:
                guard let entry = files[packet.id] else {
                    var err = Fsutil_Types_Packet()
                    err.type = .packetErr
                    err.data = Data("no file with id \(packet.id)".utf8)
                    try await send(err, on: call)
                    continue
                }
                try await stream(entry, id: packet.id, on: call)
            case .packetFin:
                var fin = Fsutil_Types_Packet()
                fin.type = .packetFin
                try await send(fin, on: call)
                return
            case .packetErr:
                throw TransportError("the builder could not receive the context: \(String(decoding: packet.data, as: UTF8.self))")
            default:
                continue
            }
        }
    }

    private func stream(_ entry: ContextEntry, id: UInt32, on call: GRPCServerCall) async throws {
        func data(_ bytes: Data) async throws {
            var p = Fsutil_Types_Packet()
            p.type = .packetData
            p.id = id
            p.data = bytes
            try await send(p, on: call)
        }
        switch entry.content {
        case .bytes(let bytes):
            for start in stride(from: 0, to: bytes.count, by: Self.chunkSize) {
                try await data(Data(bytes[start..<min(start + Self.chunkSize, bytes.count)]))
            }
        case .file(let url):
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
                try await data(chunk)
            }
        case .none:
            break
        }
        try await data(Data())
    }

    private func send(_ packet: Fsutil_Types_Packet, on call: GRPCServerCall) async throws {
        try await call.send(Array(try packet.serializedBytes() as [UInt8]))
    }
}

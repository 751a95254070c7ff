import CompressNIO
import Foundation
import NIOCore

/// Reads `*.dist-info/METADATA` out of a wheel (a zip file) with a few range reads: the end of
/// the file for the central directory, then the one member. For indexes that do not serve the
/// PEP 658 metadata file of every wheel.
struct WheelMetadataReader {
    enum ByteRange { case suffix(Int), span(Int, Int) }
    /// Returns the bytes asked for and the size of the whole file.
    let read: @Sendable (ByteRange) async throws -> (Data, Int)

    init(read: @escaping @Sendable (ByteRange) async throws -> (Data, Int)) { self.read = read }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func metadata() async throws -> String? {
        let (tail, size) = try await read(.suffix(65_536 + 22))
        let tailStart = size - tail.count
        let t = [UInt8](tail)
        // End of central directory record: the last "PK\5\6".
        guard let eocd = stride(from: t.count - 22, through: 0, by: -1).first(where: { t.u32($0) == 0x0605_4b50 }) else {
            throw Failure(description: "not a zip file (no end of central directory)")
        }
        let cdSize = Int(t.u32(eocd + 12)), cdOffset = Int(t.u32(eocd + 16))
        guard cdOffset != 0xFFFF_FFFF, cdOffset + cdSize <= size else { return nil }  // zip64: not for wheels this size
        let cd: [UInt8]
        if cdOffset >= tailStart {
            cd = Array(t[(cdOffset - tailStart)..<(cdOffset - tailStart + cdSize)])
        } else {
            cd = [UInt8](try await read(.span(cdOffset, cdOffset + cdSize)).0)
        }
        var p = 0
        while p + 46 <= cd.count, cd.u32(p) == 0x0201_4b50 {
            let method = cd.u16(p + 10)
            let compressed = Int(cd.u32(p + 20)), uncompressed = Int(cd.u32(p + 24))
            let nameLength = Int(cd.u16(p + 28)), extraLength = Int(cd.u16(p + 30)), commentLength = Int(cd.u16(p + 32))
            let local = Int(cd.u32(p + 42))
            guard p + 46 + nameLength <= cd.count else { break }
            let name = String(decoding: cd[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            p += 46 + nameLength + extraLength + commentLength
            let parts = name.split(separator: "/")
            guard parts.count == 2, parts[0].hasSuffix(".dist-info"), parts[1] == "METADATA" else { continue }
            // The local header repeats the name and may carry a different extra field.
            let slack = 30 + nameLength + 1024
            var chunk = [UInt8](try await read(.span(local, min(size, local + slack + compressed))).0)
            guard chunk.count >= 30, chunk.u32(0) == 0x0403_4b50 else { throw Failure(description: "\(name): bad local header") }
            let start = 30 + Int(chunk.u16(26)) + Int(chunk.u16(28))
            if start + compressed > chunk.count {
                chunk = [UInt8](try await read(.span(local, local + start + compressed)).0)
            }
            guard start + compressed <= chunk.count else { throw Failure(description: "\(name): short read") }
            let body = Array(chunk[start..<(start + compressed)])
            switch method {
            case 0: return String(decoding: body, as: UTF8.self)
            case 8: return String(decoding: try Self.inflate(body, size: uncompressed), as: UTF8.self)
            default: throw Failure(description: "\(name): zip method \(method) is not stored or deflate")
            }
        }
        return nil
    }

    /// A raw DEFLATE stream (zip method 8) inflated by zlib; `size` is the uncompressed size the
    /// zip's directory gives.
    static func inflate(_ body: [UInt8], size: Int) throws -> [UInt8] {
        var input = ByteBuffer(bytes: body)
        var output = ByteBufferAllocator().buffer(capacity: max(size, 1))
        do {
            try input.decompress(to: &output, with: .deflate())
        } catch {
            throw Failure(description: "METADATA does not inflate: \(error)")
        }
        guard output.readableBytes == size else {
            throw Failure(description: "METADATA inflates to \(output.readableBytes) bytes, not the \(size) the zip's directory gives")
        }
        return output.readableBytesView.map { $0 }
    }
}

extension Array where Element == UInt8 {
    func u16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
}

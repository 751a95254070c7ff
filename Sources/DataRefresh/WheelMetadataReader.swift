import Foundation

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
            let compressed = Int(cd.u32(p + 20))
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
            case 8: return String(decoding: try Inflate.raw(body), as: UTF8.self)
            default: throw Failure(description: "\(name): zip method \(method) is not stored or deflate")
            }
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    func u16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
}

/// A raw DEFLATE (RFC 1951) decoder, after zlib's puff.c: small and slow, which is plenty for
/// METADATA files of a few kilobytes.
enum Inflate {
    struct Failure: Error, CustomStringConvertible { let description: String }

    private struct Bits {
        let input: [UInt8]
        var position = 0
        var buffer = 0
        var count = 0

        mutating func take(_ need: Int) throws -> Int {
            var value = buffer
            while count < need {
                guard position < input.count else { throw Failure(description: "deflate data ends early") }
                value |= Int(input[position]) << count
                position += 1
                count += 8
            }
            buffer = value >> need
            count -= need
            return value & ((1 << need) - 1)
        }

        mutating func alignToByte() { buffer = 0; count = 0 }
    }

    /// Canonical Huffman code: how many codes of each length, and the symbols in code order.
    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init(lengths: [Int]) throws {
            for l in lengths { counts[l] += 1 }
            var offsets = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol
                offsets[l] += 1
            }
        }

        func decode(_ bits: inout Bits) throws -> Int {
            var code = 0, first = 0, index = 0
            for len in 1...15 {
                code |= try bits.take(1)
                let count = counts[len]
                if code - count < first { return symbols[index + (code - first)] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw Failure(description: "bad Huffman code")
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                       2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static func raw(_ input: [UInt8]) throws -> [UInt8] {
        var bits = Bits(input: input)
        var out: [UInt8] = []
        var last = 0
        while last == 0 {
            last = try bits.take(1)
            switch try bits.take(2) {
            case 0:
                bits.alignToByte()
                guard bits.position + 4 <= input.count else { throw Failure(description: "stored block ends early") }
                let length = Int(input[bits.position]) | Int(input[bits.position + 1]) << 8
                bits.position += 4
                guard bits.position + length <= input.count else { throw Failure(description: "stored block ends early") }
                out += input[bits.position..<(bits.position + length)]
                bits.position += length
            case 1:
                let lengths = [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112)
                    + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
                try codes(&bits, &out, try Huffman(lengths: lengths), try Huffman(lengths: [Int](repeating: 5, count: 30)))
            case 2:
                let literals = try bits.take(5) + 257, distances = try bits.take(5) + 1, codeLengths = try bits.take(4) + 4
                var order = [Int](repeating: 0, count: 19)
                for i in 0..<codeLengths { order[codeLengthOrder[i]] = try bits.take(3) }
                let lengthCode = try Huffman(lengths: order)
                var lengths: [Int] = []
                while lengths.count < literals + distances {
                    let symbol = try lengthCode.decode(&bits)
                    switch symbol {
                    case 0..<16: lengths.append(symbol)
                    case 16:
                        guard let previous = lengths.last else { throw Failure(description: "repeat with no length") }
                        lengths += [Int](repeating: previous, count: 3 + (try bits.take(2)))
                    case 17: lengths += [Int](repeating: 0, count: 3 + (try bits.take(3)))
                    default: lengths += [Int](repeating: 0, count: 11 + (try bits.take(7)))
                    }
                }
                guard lengths.count == literals + distances else { throw Failure(description: "too many code lengths") }
                try codes(&bits, &out, try Huffman(lengths: Array(lengths[..<literals])),
                          try Huffman(lengths: Array(lengths[literals...])))
            default:
                throw Failure(description: "bad block type")
            }
        }
        return out
    }

    private static func codes(_ bits: inout Bits, _ out: inout [UInt8], _ literal: Huffman, _ distance: Huffman) throws {
        while true {
            let symbol = try literal.decode(&bits)
            if symbol < 256 { out.append(UInt8(symbol)); continue }
            if symbol == 256 { return }
            let l = symbol - 257
            guard l < lengthBase.count else { throw Failure(description: "bad length code") }
            let length = lengthBase[l] + (try bits.take(lengthExtra[l]))
            let d = try distance.decode(&bits)
            guard d < distanceBase.count else { throw Failure(description: "bad distance code") }
            let back = distanceBase[d] + (try bits.take(distanceExtra[d]))
            guard back <= out.count else { throw Failure(description: "distance too far back") }
            let start = out.count - back
            for i in 0..<length { out.append(out[start + i]) }
        }
    }
}

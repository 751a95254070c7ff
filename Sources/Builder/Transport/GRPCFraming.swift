import NIOCore

/// gRPC's length-prefixed messages: one byte of flags (0: not compressed), four bytes of
/// big-endian length, then the message. A message may span several DATA frames.
struct GRPCDeframer {
    private var buffer = ByteBuffer()

    mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    /// The next complete message, if one has arrived.
    mutating func next() throws -> ByteBuffer? {
        guard buffer.readableBytes >= 5,
              let flags = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self) else { return nil }
        guard flags == 0 else { throw TransportError("compressed gRPC messages are not supported") }
        guard Int(length) <= ConnectionLimits.maxInboundMessage else {
            throw TransportError("the builder sent a gRPC message of \(length) bytes; at most \(ConnectionLimits.maxInboundMessage) are accepted")
        }
        guard buffer.readableBytes >= 5 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        let message = buffer.readSlice(length: Int(length))!
        buffer.discardReadBytes()
        return message
    }
}

enum GRPCFraming {
    static func frame(_ message: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: message.count + 5)
        out.writeInteger(UInt8(0))
        out.writeInteger(UInt32(message.count))
        out.writeBytes(message)
        return out
    }
}

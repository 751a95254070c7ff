/// A gRPC call that ended with a non-zero status. Over the engine's `/grpc` the code is usually
/// UNKNOWN (2) and the message carries BuildKit's error text.
public struct GRPCStatusError: Error, CustomStringConvertible, Sendable {
    public let code: Int
    public let message: String
    public let path: String

    public var description: String { message.isEmpty ? "\(path) failed with gRPC status \(code)" : message }
}

/// The connection to BuildKit broke or could not be made.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An error in the rules data or in a file a user wrote. It always names where it happened and
/// says what to do, so that the command line can print it as it is and exit 2.
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    public let source: Provenance
    public let message: String

    public init(_ source: Provenance, _ message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}

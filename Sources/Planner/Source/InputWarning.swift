import Rules

/// Something in the model's files that cogpack accepted but changed or reads differently than
/// written (a `system_packages` entry naming several packages). It names where, like an
/// `InputError`, and is shown with the plan, one line each.
public struct InputWarning: Sendable, Equatable, CustomStringConvertible {
    public let source: Provenance
    public let message: String

    public init(_ source: Provenance, _ message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}

import Rules

/// A group of assertions the solver can switch on and off as one, and name in an explanation.
struct Constraint {
    enum Origin: Equatable {
        case request(Int)
        case rule(String)
        case table
        /// A value fixed by an earlier objective.
        case choice(variable: ResolverVariable)
    }

    let origin: Origin
    let source: Provenance
    let text: String
    let literal: Z3Context.Term
    let id: UInt32

    var isChoice: Bool {
        if case .choice = origin { return true }
        return false
    }
}

/// One reason in an explanation: where it comes from and what it says.
public struct Reason: Sendable, Equatable, Codable {
    public let source: String
    public let text: String
    public init(source: String, text: String) {
        self.source = source
        self.text = text
    }
}

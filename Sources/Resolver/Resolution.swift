import Rules

/// The chosen value of one variable and why.
public struct Choice: Sendable, Equatable, Codable {
    public let variable: String
    public let value: String
    public let reasons: [Reason]
    public let alternatives: [String]
    /// Extra facts a later stage needs (the wheel index and variant of torch, for one).
    public let details: [String: String]
}

public struct Resolution: Sendable, Codable {
    /// In objective order; variables that do not apply are left out.
    public let choices: [Choice]
    public let warnings: [String]

    public func choice(_ variable: String) -> Choice? { choices.first { $0.variable == variable } }
}

public struct Correction: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public let source: String
        public let from: String
        /// nil when the request is removed.
        public let to: String?
    }
    public let text: String
    public let changes: [Change]
}

public struct Conflict: Sendable {
    public let core: [Reason]
    public let corrections: [Correction]
}

public enum Outcome: Sendable {
    case resolved(Resolution)
    case conflict(Conflict)
}

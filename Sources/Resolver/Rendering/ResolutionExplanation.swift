import Rules

/// What the renderers read of a resolution: each chosen value as it is written, with its reasons,
/// its alternatives and the details tools get (a package's variant and index, an image's OS,
/// size, Python and CUDA); the apt selection; the warnings. Small and typed, so that an image can
/// carry it in a label and `cogpack explain` prints what `cogpack resolve` printed.
public struct ResolutionExplanation: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public let variable: ResolverVariable
        /// As files and output write it (`2.3.1`, `12.1`, the image reference).
        public let value: String
        public let reasons: [Reason]
        public let alternatives: [String]
        public let details: Details?
    }

    /// Facts of the chosen value beyond its text; nil fields are not known or do not apply.
    public struct Details: Sendable, Equatable, Codable {
        public var variant: String?
        public var index: String?
        public var os: String?
        public var sizeMB: Int?
        public var python: String?
        public var cuda: String?

        enum CodingKeys: String, CodingKey { case variant, index, os, python, cuda, sizeMB = "size_mb" }
    }

    public let entries: [Entry]
    public let apt: AptSelection
    public let warnings: [String]

    public init(entries: [Entry], apt: AptSelection, warnings: [String]) {
        self.entries = entries
        self.apt = apt
        self.warnings = warnings
    }
}

extension Resolution {
    /// The resolution as its explanation: every choice in objective order.
    public var explanation: ResolutionExplanation {
        let entries = choices.map { c -> ResolutionExplanation.Entry in
            var details: ResolutionExplanation.Details?
            if let name = c.variable.package, let row = package(name)?.row, row.variant != nil || row.extraIndex != nil {
                details = .init(variant: row.variant, index: row.extraIndex)
            }
            if case .image(let image) = c.value {
                details = .init(os: image.os, sizeMB: image.sizeMB, python: image.python?.text, cuda: image.cuda?.text)
            }
            return .init(variable: c.variable, value: c.value.description, reasons: c.reasons,
                         alternatives: c.alternatives.map(\.description), details: details)
        }
        return ResolutionExplanation(entries: entries, apt: apt, warnings: warnings)
    }
}

import Foundation
import Resolver

/// The `dev.cogpack.resolution` label: the resolution's explanation and what the model's files
/// said that cogpack read differently than written, so that `cogpack explain` prints what
/// `cogpack resolve` printed for the folder. Sorted keys: the same resolution, the same bytes.
public struct ResolutionLabel: Sendable, Equatable, Codable {
    public static let key = "dev.cogpack.resolution"
    /// Bumped when the label changes in a way an older `explain` would misread.
    public static let currentFormat = "cogpack.resolution/1"

    public var format: String
    public var resolution: ResolutionExplanation
    /// The project's warnings (cog.yaml, requirements), as `resolve` prints them before the resolver's.
    public var readWarnings: [String]

    enum CodingKeys: String, CodingKey { case format, resolution, readWarnings = "read_warnings" }

    public init(resolution: ResolutionExplanation, readWarnings: [String]) {
        format = Self.currentFormat
        self.resolution = resolution
        self.readWarnings = readWarnings
    }

    public func text() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The label's value read back; nil when it is not one this cogpack writes.
    public static func decode(_ text: String) -> ResolutionLabel? {
        guard let label = try? JSONDecoder().decode(ResolutionLabel.self, from: Data(text.utf8)),
              label.format == currentFormat else { return nil }
        return label
    }
}

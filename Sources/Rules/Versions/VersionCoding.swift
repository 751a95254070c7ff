import Foundation

// Versions and specifiers cross into cached resolutions and plans as the text PEP 440 writes, and
// come back parsed: a value that no longer parses is a corrupt cache, not a guess.

/// A value coded as its text: written with `description`, read back with `init?(_:)`.
protocol TextCoded: Codable, CustomStringConvertible {
    init?(_ text: String)
    /// What the value is, for the error when a text does not parse (`a PEP 440 version`).
    static var codedName: String { get }
}

extension TextCoded {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not \(Self.codedName): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension PEP440Version: TextCoded {
    static var codedName: String { "a PEP 440 version" }
}

extension PEP440SpecifierSet: TextCoded {
    static var codedName: String { "a PEP 440 specifier" }
}

import Foundation

/// A plain dotted version: CUDA (12.1.1), cuDNN (8), NVIDIA drivers (535.104.05), Ubuntu (22.04).
/// Compared numerically part by part; a missing part counts as zero only for ordering.
public struct DottedVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let parts: [Int]
    /// The text as written, so "22.04" prints as "22.04" and not "22.4".
    public let text: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var parts: [Int] = []
        for piece in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.allSatisfy(\.isASCII), piece.allSatisfy(\.isNumber),
                  let n = Int(piece) else { return nil }
            parts.append(n)
        }
        self.parts = parts
        self.text = trimmed
    }

    public init(parts: [Int]) {
        self.parts = parts
        self.text = parts.map(String.init).joined(separator: ".")
    }

    public var major: Int { parts[0] }
    public var minor: Int { parts.count > 1 ? parts[1] : 0 }

    /// The first `count` parts, e.g. 12.1.1 → 12.1.
    public func truncated(to count: Int) -> DottedVersion {
        DottedVersion(parts: Array(parts.prefix(count)))
    }

    /// Cog's "patch optional" match: every part this version states equals the other's.
    /// "11.8" matches "11.8.0" and "11.8.89"; "11.8.0" does not match "11.8.89".
    public func isPrefix(of other: DottedVersion) -> Bool {
        guard parts.count <= other.parts.count else { return false }
        return zip(parts, other.parts).allSatisfy { $0 == $1 }
    }

    public static func < (a: DottedVersion, b: DottedVersion) -> Bool {
        let n = max(a.parts.count, b.parts.count)
        for i in 0..<n {
            let x = i < a.parts.count ? a.parts[i] : 0
            let y = i < b.parts.count ? b.parts[i] : 0
            if x != y { return x < y }
        }
        return false
    }

    /// Equal when equal as numbers: 12.1 == 12.1.0, so that ordering and equality agree.
    public static func == (a: DottedVersion, b: DottedVersion) -> Bool { !(a < b) && !(b < a) }
    public func hash(into h: inout Hasher) {
        var p = parts
        while p.count > 1, p.last == 0 { p.removeLast() }
        h.combine(p)
    }

    public var description: String { text }
}

extension DottedVersion: TextCoded {
    static var codedName: String { "a dotted version" }
}

import Foundation

/// A plain dotted version: CUDA (12.1.1), cuDNN (8), NVIDIA drivers (535.104.05), Ubuntu (22.04).
/// Compared numerically part by part; a missing part counts as zero only for ordering.
public struct DottedVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let parts: [Int]
    /// The text as written, so "22.04" prints as "22.04" and not "22.4".
    public let text: String

    public init?(_ text: String) {
        // Read byte by byte: the tables hold thousands of these, and Foundation's trimming and
        // Character checks were a tenth of a cold `resolve`'s loading time.
        let trimmed = Self.trimmedSpaces(text)
        guard let parts = Self.parts(trimmed) else { return nil }
        self.parts = parts
        self.text = trimmed
    }

    /// The numbers of `N(.N)*` written with nothing else around or between them; nil for anything
    /// else, an empty part or a number past `Int` (`PEP440Version` reads plain releases with it too).
    static func parts(_ text: String) -> [Int]? {
        var parts: [Int] = []
        var current = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (times, o1) = current.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                current = sum
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0 else { return nil }
                parts.append(current)
                current = 0
                digits = 0
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        parts.append(current)
        return parts
    }

    /// `text` without the spaces and tabs around it (what `.whitespaces` trimmed before, for the
    /// texts a version can be).
    private static func trimmedSpaces(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return text }
        return String(text[first...last])
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

/// Where a fact or a request came from: a file and a line, or a named origin such as a
/// command-line flag. Every explanation cogpack prints ends in one of these.
public struct Provenance: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let file: String
    /// 1-based; nil when the origin has no line (a flag, a default).
    public let line: Int?

    public init(file: String, line: Int?) {
        self.file = file
        self.line = line
    }

    public static func flag(_ name: String) -> Provenance { Provenance(file: name, line: nil) }

    public var description: String {
        if let line { return "\(file):\(line)" }
        return file
    }

    public static func < (a: Provenance, b: Provenance) -> Bool {
        if a.file != b.file { return a.file < b.file }
        return (a.line ?? 0) < (b.line ?? 0)
    }
}

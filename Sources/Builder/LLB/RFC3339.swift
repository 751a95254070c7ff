import Foundation

/// Image configs' times (`created`): RFC 3339, with up to nine digits of fractions, as Go writes
/// them (`2024-05-01T10:11:12.123456789Z`). Foundation's ISO 8601 parser takes three at most.
enum RFC3339 {
    /// Whole seconds since 1970 (the fraction dropped); nil when `text` is no such time.
    static func seconds(_ text: String) -> Int64? {
        var s = text
        // The fraction, if any, runs from the dot to the zone (`Z`, `+hh:mm`, `-hh:mm`).
        if let dot = s.firstIndex(of: ".") {
            let rest = s[s.index(after: dot)...]
            let zone = rest.firstIndex { !$0.isNumber } ?? rest.endIndex
            s = String(s[..<dot]) + String(rest[zone...])
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        guard let date = f.date(from: s) else { return nil }
        return Int64(date.timeIntervalSince1970.rounded(.down))
    }
}

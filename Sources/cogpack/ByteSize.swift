import Foundation

/// Sizes given on the command line (`ByteCount` writes them). A flag's size is bytes, or a number with a unit:
/// KB, MB, GB, TB are powers of 1000 and KiB, MiB, GiB, TiB of 1024, as written (docker's own
/// flags read `10g` as GiB; cogpack takes only the unambiguous spellings).
enum ByteSize {
    static let units: [(String, Double)] = [
        ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
        ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1),
    ]

    /// nil when the text is not a size.
    static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var number = Substring(trimmed), factor = 1.0
        for (unit, f) in units where trimmed.hasSuffix(unit) {
            number = trimmed.dropLast(unit.count)
            factor = f
            break
        }
        let digits = number.trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              digits.filter({ $0 == "." }).count <= 1, let value = Double(digits) else { return nil }
        let bytes = (value * factor).rounded()
        guard bytes.isFinite, bytes < 9e18 else { return nil }
        return Int64(bytes)
    }
}

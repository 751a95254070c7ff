import Foundation

/// The durations the engine reads with Go's `time.ParseDuration` (the build cache's `until`
/// filter in the 20.10 engine): one or more numbers, each with its unit (`1h30m`, `1.5h`, `90s`).
/// Checked here so that a typo is exit 2 naming the flag, not the engine's error after the call.
enum GoDuration {
    static let units = ["ns", "us", "µs", "ms", "s", "m", "h"]

    static func isValid(_ text: String) -> Bool {
        var rest = Substring(text)
        guard !rest.isEmpty, rest.count <= 64 else { return false }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number.contains(where: \.isNumber) else { return false }
            rest = rest.dropFirst(number.count)
            // The longest unit first: "ms" before "m".
            guard let unit = units.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }
}

/// A `system_packages` entry as `apt-get install` takes it: `NAME` or `NAME=VERSION`, in Debian's
/// grammar (policy §5.6.1 and §5.6.12). Nothing else: the names are arguments of apt-get, and a
/// character outside the grammar is a mistake or an attempt to run something.
enum DebianPackage {
    /// Characters a shell gives a meaning to; named in the error, as they are the likely mistake.
    static let shellCharacters = Set(";&|$`<>()\\'\"*?[]{}~#!^")

    /// Lowercase letters, digits, `+ - .`; at least two characters, the first a letter or digit.
    static func isName(_ s: Substring) -> Bool {
        guard s.count >= 2, let first = s.first, isLowerAlnum(first) else { return false }
        return s.allSatisfy { isLowerAlnum($0) || $0 == "+" || $0 == "-" || $0 == "." }
    }

    /// `[epoch:]upstream[-revision]`: the epoch digits, the upstream part starting with a digit,
    /// then letters, digits and `. + ~ -`, not ending in `-`.
    static func isVersion(_ s: Substring) -> Bool {
        var rest = s
        if let colon = rest.firstIndex(of: ":") {
            let epoch = rest[..<colon]
            guard !epoch.isEmpty, epoch.allSatisfy(\.isASCIIDigit) else { return false }
            rest = rest[rest.index(after: colon)...]
        }
        guard let first = rest.first, first.isASCIIDigit, rest.last != "-" else { return false }
        return rest.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || ".+~-".contains($0) }
    }

    static func isValid(_ entry: Substring) -> Bool {
        guard let eq = entry.firstIndex(of: "=") else { return isName(entry) }
        return isName(entry[..<eq]) && isVersion(entry[entry.index(after: eq)...])
    }

    private static func isLowerAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

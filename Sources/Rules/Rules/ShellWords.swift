/// What the rules may say of a shell word.
public enum ShellWords {
    /// `NAME` of `NAME=value`: a letter or `_`, then letters, digits and `_` (ASCII).
    public static func isVariableName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}

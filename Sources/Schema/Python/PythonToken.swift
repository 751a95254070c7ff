/// One token of Python source, with the line it starts on (1-based) for error messages.
struct PythonToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case name(String)
        /// The literal as written (`1_000`, `0x1f`, `1e-3`); `PythonLiteral` reads its value.
        case number(String)
        /// The decoded value: escapes, prefixes and adjacent literals already applied by the tokenizer.
        case string(String)
        /// An operator or a bracket: `(`, `->`, `|`, `**`, `=`...
        case op(String)
        /// The end of a logical line (never inside brackets).
        case newline
    }

    let kind: Kind
    let line: Int

    var name: String? { if case .name(let n) = kind { return n }; return nil }
    func isOp(_ o: String) -> Bool { kind == .op(o) }
}

/// A logical line: its indentation and its tokens (ending before the newline).
struct LogicalLine: Sendable {
    let indent: Int
    let tokens: [PythonToken]
    var line: Int { tokens.first?.line ?? 0 }
}

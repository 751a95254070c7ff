/// Reads one expression from a run of tokens, by recursive descent. A run that is not entirely
/// an expression of `PythonExpression`'s grammar reads as `.other` with its text: the caller
/// decides whether that is an error (a default that is not a literal) or irrelevant.
struct PythonExpressionParser {
    private let tokens: [PythonToken]
    private var position = 0

    private struct Unsupported: Error {}

    static func parse<C: Collection>(_ tokens: C) -> PythonExpression where C.Element == PythonToken {
        var parser = PythonExpressionParser(tokens: Array(tokens))
        guard !parser.tokens.isEmpty, let e = try? parser.expression(), parser.position == parser.tokens.count else {
            return .other(TokenText.join(tokens))
        }
        return e
    }

    private init(tokens: [PythonToken]) { self.tokens = tokens }

    private var current: PythonToken? { position < tokens.count ? tokens[position] : nil }

    private mutating func accept(_ op: String) -> Bool {
        if current?.isOp(op) == true { position += 1; return true }
        return false
    }

    private mutating func expect(_ op: String) throws {
        guard accept(op) else { throw Unsupported() }
    }

    private mutating func expression() throws -> PythonExpression {
        var left = try additive()
        while accept("|") { left = .binary("|", left, try additive()) }
        return left
    }

    private mutating func additive() throws -> PythonExpression {
        var left = try unary()
        while accept("+") { left = .binary("+", left, try unary()) }
        if current?.isOp("-") == true { throw Unsupported() }
        return left
    }

    private mutating func unary() throws -> PythonExpression {
        if accept("-") {
            switch try unary() {
            case .integer(let v): return .integer(-v)
            case .float(let v): return .float(-v)
            default: throw Unsupported()
            }
        }
        if accept("+") {
            let e = try unary()
            switch e {
            case .integer, .float: return e
            default: throw Unsupported()
            }
        }
        return try postfix()
    }

    private mutating func postfix() throws -> PythonExpression {
        var e = try atom()
        while true {
            if accept(".") {
                guard case .name(let base) = e, let n = current?.name else { throw Unsupported() }
                position += 1
                e = .name("\(base).\(n)")
            } else if accept("(") {
                var args: [PythonExpression] = []
                var keywords: [(name: String, value: PythonExpression)] = []
                while !accept(")") {
                    if let n = current?.name, position + 1 < tokens.count, tokens[position + 1].isOp("=") {
                        position += 2
                        keywords.append((n, try expression()))
                    } else {
                        guard keywords.isEmpty else { throw Unsupported() }
                        args.append(try expression())
                    }
                    if !accept(",") { try expect(")"); break }
                }
                e = .call(e, arguments: args, keywords: keywords)
            } else if accept("[") {
                var args: [PythonExpression] = []
                while !accept("]") {
                    args.append(try expression())
                    if !accept(",") { try expect("]"); break }
                }
                // `Callable[[int], str]`-style list arguments read as lists.
                e = .subscripted(e, args)
            } else {
                return e
            }
        }
    }

    private mutating func atom() throws -> PythonExpression {
        guard let t = current else { throw Unsupported() }
        position += 1
        switch t.kind {
        case .name(let n):
            switch n {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "lambda", "not", "await", "yield": throw Unsupported()
            default: return .name(n)
            }
        case .number(let text):
            return try PythonLiteral.number(text).orThrow(Unsupported())
        case .string(var s):
            // Adjacent literals are one string.
            while case .string(let more)? = current?.kind {
                s += more
                position += 1
            }
            return .string(s)
        case .op("("):
            if accept(")") { return .tuple([]) }
            let first = try expression()
            if accept(")") { return first }
            return .tuple(try items(after: first, closing: ")"))
        case .op("["):
            var items: [PythonExpression] = []
            while !accept("]") {
                items.append(try expression())
                if !accept(",") { try expect("]"); break }
            }
            return .list(items)
        case .op("{"):
            if accept("}") { return .dict([]) }
            let first = try expression()
            if accept(":") {
                var pairs = [(key: first, value: try expression())]
                while accept(",") {
                    if accept("}") { return .dict(pairs) }
                    let k = try expression()
                    try expect(":")
                    pairs.append((k, try expression()))
                }
                try expect("}")
                return .dict(pairs)
            }
            return .set(try items(after: first, closing: "}"))
        default:
            throw Unsupported()
        }
    }

    /// The rest of a comma-separated display after its first item, up to `closing` (a trailing
    /// comma allowed): `(a, b,)`, `{a, b}`.
    private mutating func items(after first: PythonExpression, closing: String) throws -> [PythonExpression] {
        var items = [first]
        while accept(",") {
            if accept(closing) { return items }
            items.append(try expression())
        }
        try expect(closing)
        return items
    }
}

private extension Optional {
    func orThrow(_ error: some Error) throws -> Wrapped {
        guard let self else { throw error }
        return self
    }
}

/// Token runs as text, for messages and for `.other`.
enum TokenText {
    static func join<C: Collection>(_ tokens: C) -> String where C.Element == PythonToken {
        var out = ""
        var previous: PythonToken?
        for t in tokens {
            let piece: String
            switch t.kind {
            case .name(let n): piece = n
            case .number(let n): piece = n
            case .string(let s): piece = "\"\(s)\""
            case .op(let o): piece = o
            case .newline: piece = ""
            }
            if let p = previous, needsSpace(p, t) { out += " " }
            out += piece
            previous = t
        }
        return out
    }

    private static func needsSpace(_ a: PythonToken, _ b: PythonToken) -> Bool {
        if case .op(let o) = b.kind, [")", "]", "}", ",", ".", "(", "[", ":"].contains(o) { return false }
        if case .op(let o) = a.kind, ["(", "[", "{", ".", "-"].contains(o) { return false }
        if case .op("=") = a.kind { return false }
        if case .op("=") = b.kind { return false }
        return true
    }
}

/// Splits token runs at top-level separators (commas of a parameter list, `=` of a parameter).
enum TokenRuns {
    /// The runs between `separator`s outside brackets; an empty trailing run (a trailing comma) is dropped.
    static func split(_ tokens: ArraySlice<PythonToken>, on separator: String) -> [ArraySlice<PythonToken>] {
        var runs: [ArraySlice<PythonToken>] = []
        var depth = 0
        var start = tokens.startIndex
        for index in tokens.indices {
            let t = tokens[index]
            if case .op(let o) = t.kind {
                if ["(", "[", "{"].contains(o) { depth += 1 }
                if [")", "]", "}"].contains(o) { depth -= 1 }
                if depth == 0, o == separator {
                    runs.append(tokens[start..<index])
                    start = index + 1
                }
            }
        }
        let last = tokens[start..<tokens.endIndex]
        if !last.isEmpty { runs.append(last) }
        return runs
    }

    /// The first top-level occurrence of `op`.
    static func firstIndex(of op: String, in tokens: ArraySlice<PythonToken>) -> Int? {
        var depth = 0
        for index in tokens.indices {
            guard case .op(let o) = tokens[index].kind else { continue }
            if depth == 0, o == op { return index }
            if ["(", "[", "{"].contains(o) { depth += 1 }
            if [")", "]", "}"].contains(o) { depth -= 1 }
        }
        return nil
    }

    /// The index of the bracket closing the one at `open`.
    static func closing(_ tokens: ArraySlice<PythonToken>, from open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.endIndex {
            guard case .op(let o) = tokens[index].kind else { continue }
            if ["(", "[", "{"].contains(o) { depth += 1 }
            if [")", "]", "}"].contains(o) {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }
}

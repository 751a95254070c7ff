import Rules

/// A PEP 508 environment marker (`python_version >= "3.9" and sys_platform == "linux"`), parsed
/// so that a requirement meant for another platform or Python does not constrain the build.
public indirect enum Marker: Sendable, Equatable {
    case and(Marker, Marker)
    case or(Marker, Marker)
    /// `lhs op rhs`, each side a variable name or a quoted string.
    case compare(Operand, String, Operand)

    public enum Operand: Sendable, Equatable {
        case variable(String)
        case literal(String)
    }

    static let variables: Set<String> = [
        "python_version", "python_full_version", "os_name", "sys_platform", "platform_release", "platform_system",
        "platform_version", "platform_machine", "platform_python_implementation", "implementation_name",
        "implementation_version", "extra",
    ]
    static let operators = ["===", "==", "!=", "<=", ">=", "~=", "<", ">", "not in", "in"]

    /// Parses the text after `;`; nil means it is not a marker this parser understands.
    public init?(_ text: String) {
        var p = Parser(text)
        guard let m = p.orExpression(), p.atEnd else { return nil }
        self = m
    }

    /// The build's target: Linux on x86_64 with CPython `python`.
    public struct Environment: Sendable {
        public var values: [String: String]
        public init(python: DottedVersion) {
            let minor = python.parts.prefix(2).map(String.init).joined(separator: ".")
            let full = python.parts.count >= 3 ? python.description : minor + ".0"
            values = [
                "python_version": minor, "python_full_version": full, "os_name": "posix", "sys_platform": "linux",
                "platform_system": "Linux", "platform_machine": "x86_64", "platform_python_implementation": "CPython",
                "implementation_name": "cpython", "implementation_version": full, "extra": "",
                "platform_release": "", "platform_version": "",
            ]
        }
    }

    public func evaluate(_ env: Environment) -> Bool {
        switch self {
        case .and(let a, let b): return a.evaluate(env) && b.evaluate(env)
        case .or(let a, let b): return a.evaluate(env) || b.evaluate(env)
        case .compare(let l, let op, let r):
            let lhs = value(l, env), rhs = value(r, env)
            switch op {
            case "in": return rhs.contains(lhs)
            case "not in": return !rhs.contains(lhs)
            default: break
            }
            // Version comparison when both sides are versions, as PEP 508 asks; otherwise strings.
            if op != "===", let lv = PEP440Version(lhs), let spec = PEP440Specifier("\(op)\(rhs)"),
               PEP440Version(rhs) != nil || rhs.hasSuffix(".*") {
                return spec.contains(lv)
            }
            switch op {
            case "==", "===": return lhs == rhs
            case "!=": return lhs != rhs
            case "<": return lhs < rhs
            case "<=": return lhs <= rhs
            case ">": return lhs > rhs
            case ">=": return lhs >= rhs
            default: return false
            }
        }
    }

    private func value(_ o: Operand, _ env: Environment) -> String {
        switch o {
        case .literal(let s): return s
        case .variable(let v): return env.values[v] ?? ""
        }
    }

    private struct Parser {
        let chars: [Character]
        var i = 0
        /// Open parentheses around the current point, and comparisons read so far. The parser
        /// recurses once per `(`, and evaluating (or freeing) the tree once per `and`/`or`: a line
        /// of 100,000 `(`, or of 300,000 `a == "b" and`, overflowed the stack. No real marker
        /// nests more than a few levels or holds more than a few comparisons.
        var depth = 0
        var comparisons = 0
        static let maxDepth = 32
        static let maxComparisons = 256
        init(_ text: String) { chars = Array(text) }

        var atEnd: Bool {
            mutating get { skipSpace(); return i == chars.count }
        }

        mutating func skipSpace() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

        mutating func keyword(_ word: String) -> Bool {
            skipSpace()
            let w = Array(word)
            guard i + w.count <= chars.count, Array(chars[i..<i + w.count]) == w else { return false }
            let after = i + w.count
            if word.first!.isLetter, after < chars.count, chars[after].isLetter || chars[after] == "_" { return false }
            i = after
            return true
        }

        mutating func orExpression() -> Marker? {
            guard var left = andExpression() else { return nil }
            while keyword("or") {
                guard let right = andExpression() else { return nil }
                left = .or(left, right)
            }
            return left
        }

        mutating func andExpression() -> Marker? {
            guard var left = atom() else { return nil }
            while keyword("and") {
                guard let right = atom() else { return nil }
                left = .and(left, right)
            }
            return left
        }

        mutating func atom() -> Marker? {
            if keyword("(") {
                guard depth < Self.maxDepth else { return nil }
                depth += 1
                defer { depth -= 1 }
                guard let inner = orExpression(), keyword(")") else { return nil }
                return inner
            }
            guard let l = operand() else { return nil }
            var op: String?
            if keyword("not") { op = keyword("in") ? "not in" : nil } else {
                op = Marker.operators.first { keyword($0) }
            }
            guard let op, let r = operand() else { return nil }
            comparisons += 1
            guard comparisons <= Self.maxComparisons else { return nil }
            return .compare(l, op, r)
        }

        mutating func operand() -> Operand? {
            skipSpace()
            guard i < chars.count else { return nil }
            let c = chars[i]
            if c == "\"" || c == "'" {
                guard let close = chars[(i + 1)...].firstIndex(of: c) else { return nil }
                let s = String(chars[(i + 1)..<close])
                i = close + 1
                return .literal(s)
            }
            let start = i
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "." { i += 1 }
            let name = String(chars[start..<i])
            guard Marker.variables.contains(name) else { return nil }
            return .variable(name)
        }
    }
}

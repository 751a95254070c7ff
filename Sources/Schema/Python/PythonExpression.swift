/// The part of Python's expression grammar a predictor's signature uses: names, literals,
/// containers, calls, subscripts (annotations), `|` unions and unary minus. Anything else is kept
/// as `other` with its text, so that an error can quote it.
indirect enum PythonExpression: Equatable, Sendable {
    /// A name or a dotted name (`Path`, `cog.Path`, `typing.List`).
    case name(String)
    case integer(Int64)
    case float(Double)
    case string(String)
    case bool(Bool)
    case none
    case list([PythonExpression])
    case tuple([PythonExpression])
    case set([PythonExpression])
    case dict([(key: PythonExpression, value: PythonExpression)])
    case call(PythonExpression, arguments: [PythonExpression], keywords: [(name: String, value: PythonExpression)])
    case subscripted(PythonExpression, [PythonExpression])
    /// `a | b` (a union annotation); `+` of two expressions is kept for list concatenation.
    case binary(String, PythonExpression, PythonExpression)
    case other(String)

    static func == (a: PythonExpression, b: PythonExpression) -> Bool {
        switch (a, b) {
        case (.name(let x), .name(let y)), (.string(let x), .string(let y)), (.other(let x), .other(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.none, .none): return true
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)), (.set(let x), .set(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.call(let f, let a, let k), .call(let g, let b, let l)):
            return f == g && a == b && k.count == l.count && zip(k, l).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        case (.subscripted(let x, let a), .subscripted(let y, let b)): return x == y && a == b
        case (.binary(let o, let x, let y), .binary(let p, let z, let w)): return o == p && x == z && y == w
        default: return false
        }
    }

    /// How the expression reads in a message.
    var text: String {
        switch self {
        case .name(let n): return n
        case .integer(let v): return String(v)
        case .float(let v): return String(v)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        case .list(let items): return "[\(items.map(\.text).joined(separator: ", "))]"
        case .tuple(let items): return "(\(items.map(\.text).joined(separator: ", ")))"
        case .set(let items): return "{\(items.map(\.text).joined(separator: ", "))}"
        case .dict(let pairs): return "{\(pairs.map { "\($0.key.text): \($0.value.text)" }.joined(separator: ", "))}"
        case .call(let f, let args, let kws):
            return "\(f.text)(\((args.map(\.text) + kws.map { "\($0.name)=\($0.value.text)" }).joined(separator: ", ")))"
        case .subscripted(let base, let args): return "\(base.text)[\(args.map(\.text).joined(separator: ", "))]"
        case .binary(let op, let l, let r): return "\(l.text) \(op) \(r.text)"
        case .other(let t): return t
        }
    }
}

/// A type annotation as written, before its names are resolved: `str`, `list[Path]`,
/// `Optional[int]`, `str | None`, `"Output"` (a forward reference reads as the name it quotes).
indirect enum TypeAnnotation: Equatable, Sendable {
    case simple(String)
    case generic(String, [TypeAnnotation])
    case union([TypeAnnotation])

    struct Unreadable: Error {
        let text: String
    }

    init(_ expression: PythonExpression) throws {
        switch expression {
        case .name(let n): self = .simple(n)
        case .none: self = .simple("None")
        case .string(let quoted):
            // A forward reference: the annotation is the expression inside the quotes.
            let inner = PythonExpressionParser.parse((try? PythonTokenizer.lines(quoted, file: ""))?.first?.tokens ?? [])
            guard inner != .string(quoted) else { throw Unreadable(text: expression.text) }
            self = try TypeAnnotation(inner)
        case .subscripted(.name(let base), let args):
            self = args.isEmpty ? .simple(base) : .generic(base, try args.map(TypeAnnotation.init))
        case .binary("|", let l, let r):
            let members = [try TypeAnnotation(l), try TypeAnnotation(r)].flatMap { m -> [TypeAnnotation] in
                if case .union(let inner) = m { return inner }
                return [m]
            }
            self = .union(members)
        default:
            throw Unreadable(text: expression.text)
        }
    }

    var text: String {
        switch self {
        case .simple(let n): return n
        case .generic(let n, let args): return "\(n)[\(args.map(\.text).joined(separator: ", "))]"
        case .union(let members): return members.map(\.text).joined(separator: " | ")
        }
    }

    var isNone: Bool { self == .simple("None") }
}

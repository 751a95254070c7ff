/// Python literals → JSON values, as Cog reads defaults and choices without running anything:
/// numbers, strings, booleans, None, lists, tuples, sets, dicts with literal keys, names of
/// module-level literals (`DEFAULT_STEPS = 20`), and `+` of two lists.
struct LiteralReader {
    let module: PythonModule

    func value(_ e: PythonExpression, depth: Int = 0) -> JSONValue? {
        guard depth < 32 else { return nil }
        switch e {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .float(let d): return .number(d)
        case .string(let s): return .string(s)
        case .list(let items), .tuple(let items), .set(let items):
            var out: [JSONValue] = []
            for item in items {
                guard let v = value(item, depth: depth + 1) else { return nil }
                out.append(v)
            }
            return .array(out)
        case .dict(let pairs):
            var out: [String: JSONValue] = [:]
            for (k, v) in pairs {
                guard let key = value(k, depth: depth + 1), let val = value(v, depth: depth + 1) else { return nil }
                switch key {
                case .string(let s): out[s] = val
                case .integer(let i): out[String(i)] = val
                case .bool(let b): out[b ? "true" : "false"] = val
                default: return nil
                }
            }
            return .object(out)
        case .name(let n):
            guard !n.contains("."), let assigned = module.assignments[n] else { return nil }
            return value(assigned, depth: depth + 1)
        case .binary("+", let l, let r):
            guard case .array(let a)? = value(l, depth: depth + 1), case .array(let b)? = value(r, depth: depth + 1) else { return nil }
            return .array(a + b)
        default:
            return nil
        }
    }
}

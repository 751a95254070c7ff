/// The type a predictor returns, recursively: Cog's output model allows nested lists, typed
/// dicts, `BaseModel` objects and the two streaming iterators.
public indirect enum OutputType: Equatable, Sendable {
    public struct Field: Equatable, Sendable {
        public let name: String
        public let type: OutputType
        public let nullable: Bool
        public let required: Bool
    }

    case primitive(PrimitiveType)
    /// An unparameterised dict or `Any`: any JSON object.
    case any
    case array(OutputType)
    case dict(OutputType)
    case object([Field])
    /// `Iterator[T]` / `AsyncIterator[T]`: outputs streamed one by one.
    case iterator(OutputType)
    /// `ConcatenateIterator[str]`: streamed text, shown joined.
    case concatenateIterator

    public var isIterator: Bool {
        switch self {
        case .iterator, .concatenateIterator: return true
        default: return false
        }
    }

    var schema: [String: JSONValue] {
        switch self {
        case .primitive(let p): return p.schema
        case .any: return ["type": "object"]
        case .array(let e): return ["type": "array", "items": .object(e.schema)]
        case .dict(let v): return ["type": "object", "additionalProperties": .object(v.schema)]
        case .object(let fields):
            var properties: [String: JSONValue] = [:]
            for f in fields {
                var p = f.type.schema
                p["title"] = .string(Title.of(f.name))
                if f.nullable { p["nullable"] = true }
                properties[f.name] = .object(p)
            }
            var s: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
            let required = fields.filter(\.required).map { JSONValue.string($0.name) }
            if !required.isEmpty { s["required"] = .array(required) }
            return s
        case .iterator(let e): return ["type": "array", "items": .object(e.schema), "x-cog-array-type": "iterator"]
        case .concatenateIterator:
            return ["type": "array", "items": ["type": "string"], "x-cog-array-type": "iterator", "x-cog-array-display": "concatenate"]
        }
    }
}

/// Cog's titles: `snake_case` → `Snake Case` (each part's first letter upper-cased, the rest kept).
enum Title {
    static func of(_ name: String) -> String {
        name.split(separator: "_", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined(separator: " ")
    }
}

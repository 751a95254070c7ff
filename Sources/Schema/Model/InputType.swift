/// The type of one input, as Cog's input model has it: a scalar, any JSON value, a list of
/// scalars, or a union of those (`str | float`). Nullable is `Optional[X]` or `X | None`.
public struct InputType: Equatable, Sendable {
    public indirect enum Kind: Equatable, Sendable {
        case primitive(PrimitiveType)
        case any
        case array(InputType)
        case union([InputType])
    }

    public var kind: Kind
    public var nullable: Bool

    public init(_ kind: Kind, nullable: Bool = false) {
        self.kind = kind
        self.nullable = nullable
    }

    public static func primitive(_ p: PrimitiveType) -> InputType {
        p == .any ? InputType(.any) : InputType(.primitive(p))
    }

    /// The scalar this input holds, through a list (`list[int]` holds ints): what choices and
    /// bounds apply to.
    var element: PrimitiveType? {
        switch kind {
        case .primitive(let p): return p
        case .any: return .any
        case .array(let e): return e.element
        case .union: return nil
        }
    }

    var isArray: Bool { if case .array = kind { return true }; return false }
    var isUnion: Bool { if case .union = kind { return true }; return false }

    /// The JSON Schema of the type; in a nullable union every variant is nullable too, as Cog writes it.
    var schema: [String: JSONValue] {
        var s: [String: JSONValue]
        switch kind {
        case .primitive(let p): s = p.schema
        case .any: s = PrimitiveType.any.schema
        case .array(let e): s = ["type": "array", "items": .object(e.schema)]
        case .union(let variants):
            s = ["anyOf": .array(variants.map { v in
                var vs = v.schema
                if nullable { vs["nullable"] = true }
                return .object(vs)
            })]
        }
        if nullable { s["nullable"] = true }
        return s
    }
}

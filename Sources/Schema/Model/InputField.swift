/// One parameter of `predict`/`run`/`train`: its type and what `Input(...)` said about it.
public struct InputField: Equatable, Sendable {
    public let name: String
    /// Its position among the inputs: `x-order`.
    public let order: Int
    public let type: InputType
    /// The default as written; `.null` is `default=None`.
    public var defaultValue: JSONValue?
    public var description: String?
    public var minimum: Double?
    public var maximum: Double?
    public var minLength: Int?
    public var maxLength: Int?
    public var pattern: String?
    public var choices: [JSONValue] = []
    public var deprecated = false
    /// `accept="image/*"` on a Path or File input: `x-cog-accept`.
    public var accept: String?

    public init(name: String, order: Int, type: InputType) {
        self.name = name
        self.order = order
        self.type = type
    }

    /// `Optional[X]`, `X | None`, or Cog's idiom `api_key: Secret = Input(default=None)`.
    var isNullable: Bool {
        type.nullable || (type.kind == .primitive(.secret) && defaultValue == .null)
    }

    /// A default of None on a type that cannot be None is not a default: Cog reads
    /// `seed: int = Input(default=None)` as a required input with no default.
    var effectiveDefault: JSONValue? {
        guard let d = defaultValue else { return nil }
        return d == .null && !isNullable ? nil : d
    }

    var isRequired: Bool {
        effectiveDefault == nil && (type.isUnion || !type.nullable)
    }

    /// The property of `components.schemas.Input`; with choices, a reference to the enum schema
    /// named after the input (`allOf`), as Cog writes it. A list with choices (each element one
    /// of them) holds the reference in its `items`: Cog puts it on the list itself, which its
    /// server (coglet validates inputs with the document) reads as "one of the choices", so it
    /// refuses every list and passes a bare string where the predictor expects a list.
    var property: [String: JSONValue] {
        var p: [String: JSONValue] = ["x-order": .integer(Int64(order))]
        let reference: JSONValue = ["allOf": [["$ref": .string("#/components/schemas/\(name)")]]]
        if choices.isEmpty {
            p["title"] = .string(Title.of(name))
            p.merge(type.schema) { _, new in new }
        } else if type.isArray {
            p["title"] = .string(Title.of(name))
            p["type"] = "array"
            p["items"] = reference
            if type.nullable { p["nullable"] = true }
        } else {
            p["allOf"] = reference["allOf"]
        }
        if let d = effectiveDefault { p["default"] = d }
        if isNullable { p["nullable"] = true }
        if let description { p["description"] = .string(description) }
        if let minimum { p["minimum"] = .number(minimum) }
        if let maximum { p["maximum"] = .number(maximum) }
        if let minLength { p["minLength"] = .integer(Int64(minLength)) }
        if let maxLength { p["maxLength"] = .integer(Int64(maxLength)) }
        if let pattern { p["pattern"] = .string(pattern) }
        if deprecated { p["deprecated"] = true }
        if let accept { p["x-cog-accept"] = .string(accept) }
        return p
    }

    /// The enum schema of an input with choices.
    var enumSchema: [String: JSONValue]? {
        guard !choices.isEmpty else { return nil }
        let type = self.type.element.map { $0 == .any ? "string" : $0.jsonType } ?? "string"
        return ["title": .string(name), "description": "An enumeration.", "enum": .array(choices), "type": .string(type)]
    }
}

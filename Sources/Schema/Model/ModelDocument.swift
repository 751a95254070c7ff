import Foundation

/// The one OpenAPI document an image carries (`/src/.cog/openapi_schema.json`, the
/// `run.cog.openapi_schema` label): the predictor's, the trainer's, or, when cog.yaml has both,
/// the two merged as Cog merges them: the predictor's document with the trainer's paths and
/// component schemas added where the predictor's has no entry of that name.
public enum ModelDocument {
    public static func combined(predict: OpenAPIDocument?, train: OpenAPIDocument?) -> JSONValue? {
        switch (predict, train) {
        case (nil, nil): return nil
        case (let p?, nil): return p.json
        case (nil, let t?): return t.json
        case (let p?, let t?): return merge(p.json, t.json)
        }
    }

    /// Cog's `MergeSchemas`: paths and `components.schemas` of `train` added to `predict`.
    static func merge(_ predict: JSONValue, _ train: JSONValue) -> JSONValue {
        guard case .object(var p) = predict, case .object(let t) = train else { return predict }
        if case .object(var paths)? = p["paths"], case .object(let trainPaths)? = t["paths"] {
            for (k, v) in trainPaths where paths[k] == nil { paths[k] = v }
            p["paths"] = .object(paths)
        }
        if case .object(var components)? = p["components"], case .object(let trainComponents)? = t["components"],
           case .object(var schemas)? = components["schemas"], case .object(let trainSchemas)? = trainComponents["schemas"] {
            for (k, v) in trainSchemas where schemas[k] == nil { schemas[k] = v }
            components["schemas"] = .object(schemas)
            p["components"] = .object(components)
        }
        return .object(p)
    }

    /// Pretty JSON with sorted keys, ending in a newline: the file's bytes and the label's value.
    public static func text(_ document: JSONValue) -> String { JSONRenderer.render(document) + "\n" }
}

extension JSONValue {
    /// A JSON text read back (a document served by a model, or an image's label). Integers stay
    /// integers; every other number is a double.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

extension JSONValue: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

/// The scalar types of Cog's inputs and outputs, and their JSON Schema.
public enum PrimitiveType: String, Sendable, CaseIterable {
    case bool, float, int, str
    /// `cog.Path`: a URL (or data URL) on the wire.
    case path = "Path"
    /// `cog.File`: deprecated, the same wire format as Path.
    case file = "File"
    /// `cog.Secret`: a string that is masked and never echoed back.
    case secret = "Secret"
    /// `typing.Any`: any JSON value.
    case any = "Any"

    /// The Python name (as written in an annotation) of each type.
    init?(pythonName: String) {
        self.init(rawValue: pythonName)
    }

    var jsonType: String {
        switch self {
        case .bool: return "boolean"
        case .float: return "number"
        case .int: return "integer"
        case .str, .path, .file, .secret: return "string"
        case .any: return "object"
        }
    }

    /// The JSON Schema of a value of this type, as Cog writes it.
    var schema: [String: JSONValue] {
        switch self {
        case .path, .file: return ["type": "string", "format": "uri"]
        case .secret: return ["type": "string", "format": "password", "writeOnly": true, "x-cog-secret": true]
        default: return ["type": .string(jsonType)]
        }
    }
}

import Foundation
import Rules

/// `-i name=value` arguments typed by the model's OpenAPI document, as Cog's `-i` takes them:
/// `steps=20` is an integer when the schema says integer, `image=@photo.jpg` sends the file as a
/// data URL, a list input takes one `-i` per element (or a JSON array). A name the model does not
/// take, a value of the wrong type, or a missing file is an error naming the input.
public struct PredictionInputs: Sendable {
    /// The properties of the `Input` schema (or `TrainingInput`), by name; nil when the model
    /// has no document (then every value is a string, `@FILE` a data URL).
    let properties: [String: JSONValue]?
    let schemas: [String: JSONValue]

    public init(document: JSONValue?, mode: SchemaMode = .predict) {
        let schemas: [String: JSONValue]
        if case .object(let s)? = document?["components"]?["schemas"] { schemas = s } else { schemas = [:] }
        self.schemas = schemas
        if case .object(let p)? = schemas[mode == .train ? "TrainingInput" : "Input"]?["properties"] {
            properties = p
        } else {
            properties = nil
        }
    }

    /// Reads the file of an `@PATH` value: its bytes, or an error that names the input.
    public typealias FileReader = (_ path: String, _ input: String) throws -> Data

    /// The `input` object of a prediction request.
    public func values(_ arguments: [String], readFile: FileReader) throws -> [String: JSONValue] {
        var given: [(String, [String])] = []
        for argument in arguments {
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
                throw InputError(.flag("-i"), "\(LineText.quoted(argument)) is not NAME=VALUE; write e.g. -i prompt=hello or -i image=@photo.jpg")
            }
            let name = String(argument[..<eq]), value = String(argument[argument.index(after: eq)...])
            if let i = given.firstIndex(where: { $0.0 == name }) { given[i].1.append(value) } else { given.append((name, [value])) }
        }
        var out: [String: JSONValue] = [:]
        for (name, texts) in given {
            guard let properties else {
                let typed = try texts.map { try Self.untyped($0, name: name, readFile: readFile) }
                out[name] = typed.count == 1 ? typed[0] : .array(typed)
                continue
            }
            guard let property = properties[name] else {
                let known = properties.keys.sorted { order(of: $0) < order(of: $1) }
                throw InputError(.flag("-i \(name)"), "the model has no input \(LineText.quoted(name)); its inputs are \(known.isEmpty ? "none" : known.joined(separator: ", "))")
            }
            let typed = try value(texts, schema: resolve(property), name: name, readFile: readFile)
            // Left out, an input whose default is None is None; sent as null, Cog's server (which
            // checks inputs with JSON Schema, where `nullable` means nothing) refuses it.
            if typed == .null, property["default"] == .null { continue }
            out[name] = typed
        }
        return out
    }

    private func order(of name: String) -> Int64 {
        if case .integer(let o)? = properties?[name]?["x-order"] { return o }
        return .max
    }

    /// A property with its `allOf: [$ref]` (Cog's enum inputs) folded in.
    private func resolve(_ schema: JSONValue) -> JSONValue {
        guard case .object(var s) = schema else { return schema }
        if case .array(let parts)? = s["allOf"] {
            s["allOf"] = nil
            for part in parts {
                if let ref = part["$ref"]?.stringValue, let target = schemas[String(ref.split(separator: "/").last ?? "")],
                   case .object(let t) = target {
                    for (k, v) in t where s[k] == nil || k == "type" || k == "enum" { s[k] = v }
                } else if case .object(let t) = part {
                    for (k, v) in t where s[k] == nil { s[k] = v }
                }
            }
        }
        return .object(s)
    }

    private func value(_ texts: [String], schema: JSONValue, name: String, readFile: FileReader) throws -> JSONValue {
        let type = schema["type"]?.stringValue
        if type == "array" {
            let items = resolve(schema["items"] ?? .object([:]))
            if texts.count == 1, let whole = texts.first, whole.hasPrefix("["),
               let parsed = try? JSONValue.parse(Data(whole.utf8)), case .array(let elements) = parsed {
                return .array(try elements.map { e in
                    guard case .string(let text) = e else { return e }
                    return try scalar(text, schema: items, name: name, readFile: readFile)
                })
            }
            return .array(try texts.map { try scalar($0, schema: items, name: name, readFile: readFile) })
        }
        guard texts.count == 1 else {
            throw InputError(.flag("-i \(name)"), "given \(texts.count) times, but \(name) takes one value; give -i \(name)=VALUE once")
        }
        return try scalar(texts[0], schema: schema, name: name, readFile: readFile)
    }

    private func scalar(_ text: String, schema: JSONValue, name: String, readFile: FileReader) throws -> JSONValue {
        let flag = Provenance.flag("-i \(name)")
        if case .array(let variants)? = schema["anyOf"] {
            // The first variant the text reads as, narrowest first: an integer before a number before a string.
            let rank = ["integer": 0, "number": 1, "boolean": 2, "array": 3, "object": 4, "string": 5]
            let ordered = variants.map(resolve).sorted { rank[$0["type"]?.stringValue ?? "", default: 6] < rank[$1["type"]?.stringValue ?? "", default: 6] }
            for v in ordered {
                if let typed = try? scalar(text, schema: v, name: name, readFile: readFile) { return typed }
            }
            if schema["nullable"] == .bool(true), text == "null" || text.isEmpty { return .null }
            let types = ordered.compactMap { $0["type"]?.stringValue }.joined(separator: " or ")
            throw InputError(flag, "\(LineText.quoted(text)) is not a value of type \(types)")
        }
        if schema["nullable"] == .bool(true), text == "null" { return .null }
        let typed: JSONValue
        switch schema["type"]?.stringValue {
        case "integer":
            guard let i = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw InputError(flag, "\(LineText.quoted(text)) is not an integer; \(name) takes an integer, e.g. -i \(name)=20")
            }
            typed = .integer(i)
        case "number":
            guard let d = Double(text.trimmingCharacters(in: .whitespaces)), d.isFinite else {
                throw InputError(flag, "\(LineText.quoted(text)) is not a number; \(name) takes a number, e.g. -i \(name)=0.5")
            }
            typed = .number(d)
        case "boolean":
            switch text.lowercased() {
            case "true", "1", "yes": typed = .bool(true)
            case "false", "0", "no": typed = .bool(false)
            default: throw InputError(flag, "\(LineText.quoted(text)) is not a boolean; write -i \(name)=true or -i \(name)=false")
            }
        case "string" where schema["format"]?.stringValue == "uri":
            typed = try file(text, name: name, readFile: readFile) ?? .string(text)
        case "string":
            typed = .string(text)
        case "object", nil:
            // Any JSON value: JSON when it reads as JSON, else the text.
            if let f = try file(text, name: name, readFile: readFile) { typed = f } else {
                typed = (try? JSONValue.parse(Data(text.utf8))) ?? .string(text)
            }
        default:
            typed = .string(text)
        }
        if case .array(let choices)? = schema["enum"], !choices.contains(where: { Self.same($0, typed) }) {
            let shown = choices.map { JSONRenderer.render($0, pretty: false) }.joined(separator: ", ")
            throw InputError(flag, "\(LineText.quoted(text)) is not one of the choices of \(name): \(shown)")
        }
        return typed
    }

    /// Choices compare as values: `-i scale=2` matches a choice written `2.0`.
    private static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .number(let y)), (.number(let y), .integer(let x)): return Double(x) == y
        default: return a == b
        }
    }

    /// `@PATH`: the file as a data URL.
    private func file(_ text: String, name: String, readFile: FileReader) throws -> JSONValue? {
        guard text.hasPrefix("@") else { return nil }
        let path = String(text.dropFirst())
        guard !path.isEmpty else { throw InputError(.flag("-i \(name)"), "no file after @; write -i \(name)=@PATH") }
        return .string(DataURL.encode(try readFile(path, name), mimeType: DataURL.mimeType(forPath: path)))
    }

    private static func untyped(_ text: String, name: String, readFile: FileReader) throws -> JSONValue {
        guard text.hasPrefix("@") else { return .string(text) }
        let path = String(text.dropFirst())
        guard !path.isEmpty else { throw InputError(.flag("-i \(name)"), "no file after @; write -i \(name)=@PATH") }
        return .string(DataURL.encode(try readFile(path, name), mimeType: DataURL.mimeType(forPath: path)))
    }
}

/// `data:` URLs, the way Cog's server sends files in and out when no upload URL is set.
public enum DataURL {
    static let types: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "svg": "image/svg+xml",
        "wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac", "m4a": "audio/mp4",
        "mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime",
        "txt": "text/plain", "json": "application/json", "csv": "text/csv", "html": "text/html",
        "pdf": "application/pdf", "zip": "application/zip", "tar": "application/x-tar", "gz": "application/gzip",
    ]

    public static func mimeType(forPath path: String) -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        return types[ext] ?? "application/octet-stream"
    }

    /// The usual extension of a media type (`image/jpeg` → `jpg`), `bin` when unknown.
    public static func fileExtension(forMimeType type: String) -> String {
        let base = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if base == "image/jpeg" { return "jpg" }
        if base == "text/plain" { return "txt" }
        return types.first { $0.value == base }?.key ?? "bin"
    }

    public static func encode(_ data: Data, mimeType: String) -> String {
        "data:\(mimeType);base64,\(data.base64EncodedString())"
    }

    /// The media type and bytes of a data URL, or nil when `text` is not one.
    public static func decode(_ text: String) -> (mimeType: String, data: Data)? {
        guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") else { return nil }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
        let parameters = header.split(separator: ";").map(String.init)
        let mime = parameters.first.flatMap { $0.contains("/") ? $0 : nil } ?? "text/plain"
        let payload = String(text[text.index(after: comma)...])
        if parameters.contains("base64") {
            guard let d = Data(base64Encoded: payload, options: .ignoreUnknownCharacters) else { return nil }
            return (mime, d)
        }
        guard let decoded = payload.removingPercentEncoding else { return nil }
        return (mime, Data(decoded.utf8))
    }
}

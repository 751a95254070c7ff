import Rules

/// The OpenAPI document of a predictor, read from its Python source without running it (as
/// Cog's static generator: imports of torch and friends are never executed).
public enum SchemaGenerator {
    /// - Parameters:
    ///   - source: the text of the Python file cog.yaml names.
    ///   - file: how errors name that file (`predict.py`).
    ///   - target: the class or function after the colon (`Predictor`).
    ///   - version: `info.version` of the document.
    public static func document(source: String, file: String, target: String, mode: SchemaMode, version: String) throws -> OpenAPIDocument {
        OpenAPIDocument(signature: try signature(source: source, file: file, target: target, mode: mode), version: version)
    }

    public static func signature(source: String, file: String, target: String, mode: SchemaMode) throws -> PredictorSignature {
        let module = try PythonModuleReader.read(source, file: file)
        return try PredictorReader(module: module, file: file, mode: mode).signature(of: target)
    }
}

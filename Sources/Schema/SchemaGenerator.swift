import Rules

/// The OpenAPI document of a predictor, read from its Python source without running it (as
/// Cog's static generator: imports of torch and friends are never executed).
public enum SchemaGenerator {
    /// - Parameters:
    ///   - source: the text of the Python file cog.yaml names.
    ///   - file: how errors name that file, the path cog.yaml writes (`predict.py`,
    ///     `sub/predict.py`): relative imports start from its folder.
    ///   - target: the class or function after the colon (`Predictor`).
    ///   - version: `info.version` of the document.
    ///   - files: the model's other Python files, for the types the predictor imports from them;
    ///     without it, every imported type is another package's.
    public static func document(source: String, file: String, target: String, mode: SchemaMode, version: String,
                                files: (any ModelPythonFiles)? = nil) throws -> OpenAPIDocument {
        OpenAPIDocument(signature: try signature(source: source, file: file, target: target, mode: mode, files: files), version: version)
    }

    public static func signature(source: String, file: String, target: String, mode: SchemaMode,
                                 files: (any ModelPythonFiles)? = nil) throws -> PredictorSignature {
        let module = try PythonModuleReader.read(source, file: file)
        // cog.yaml's path was checked to stay inside the model folder; `./` and `a/../` fold away.
        let path = ModuleScope.fold(file) ?? file
        let scope = ModuleScope(module: module, file: file, path: path)
        let names = TypeNames(scope: scope, modules: ModelModules(files: files))
        return try PredictorReader(names: names, mode: mode).signature(of: target)
    }
}

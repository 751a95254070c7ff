import Rules

/// The other Python files of the model, where a predictor's imports lead. The schema module never
/// opens a path itself: whoever knows the model folder (the planner) answers, and keeps every read
/// inside it.
public protocol ModelPythonFiles: Sendable {
    /// The text of `path` (relative to the model folder, `/`-separated), or nil when the model has
    /// no such file. Throws an `InputError` at `importedAt` (the import line) when the path leads
    /// outside the folder, through a symlink or otherwise, or cannot be read.
    func pythonText(_ path: String, importedAt: Provenance) throws -> String?
}

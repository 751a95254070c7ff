import Rules
import Schema

/// The model's Python files as the schema reads them, for the types a predictor imports from
/// another file: only files inside the folder, symlinks resolved.
extension ModelFolder: ModelPythonFiles {
    public func pythonText(_ path: String, importedAt: Provenance) throws -> String? {
        let what = "the Python module"
        // Its folders first, outermost first: a folder of the model that is a symlink out of it is
        // refused even when what is below it is not there, so that no answer tells what the host has.
        let folders = path.split(separator: "/").dropLast()
        for depth in folders.indices {
            let folder = folders[...depth].joined(separator: "/")
            guard try resolve(folder, at: importedAt, what: "the folder of Python modules") != nil else { return nil }
        }
        guard let real = try resolve(path, at: importedAt, what: what) else { return nil }
        // A folder named `x.py` is not a module file.
        guard try entry(real).kind == .file else { return nil }
        return try text(real, at: importedAt, what: what)
    }
}

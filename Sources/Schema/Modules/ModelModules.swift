import Rules

/// The model's Python files that the predictor's names are imported from, each read once. As
/// Cog's static generator (pkg/schema/python, `moduleToFilePath`): a module is a file of the
/// model when `<module path>.py` is there, absolute imports counted from the model folder (Cog runs
/// the model with it as the working directory, first on `sys.path`), relative ones from the
/// importing file's folder; any other module is another package, which cannot be read without
/// running it. Like Cog, a package's `__init__.py` is not read (`from models import X` finds only
/// a file `models/X.py`).
///
/// Stricter than Cog: relative levels above the model folder are an error (Cog stops at the
/// folder and reads from there, where Python would fail), and the reads stay inside the folder.
/// Cog also skips a list of well-known packages (torch, numpy…) without looking; here only the
/// modules whose names mean what they say (`TypeNames`) are, so a model's own `utils.py` or even
/// `numpy.py` is read, as Python, which finds the model's folder first, would import it.
final class ModelModules: @unchecked Sendable {
    /// A schema needs a few files; more than this is a model that imports its world.
    static let fileLimit = 64
    /// A name is re-exported through at most this many files before it must be defined.
    static let hopLimit = 32

    let files: (any ModelPythonFiles)?
    /// By path from the model folder; nil for a module that is not a file of the model.
    private var loaded: [String: ModuleScope?] = [:]
    private var read = 0
    private var packages: [String: String?] = [:]

    init(files: (any ModelPythonFiles)?) {
        self.files = files
    }

    /// The file `name` (as the import wrote it: `models.out`, `.out`, `..shared.types`) leads to
    /// from `scope`, or nil when the model has no such file.
    func module(_ name: String, from scope: ModuleScope, line: Int?) throws -> ModuleScope? {
        guard let files, let path = try path(of: name, from: scope, line: line) else { return nil }
        if let known = loaded[path] { return known }
        let at = Provenance(file: scope.file, line: line)
        guard let text = try files.pythonText(path, importedAt: at) else {
            loaded[path] = .some(nil)
            return nil
        }
        guard read < Self.fileLimit else {
            throw InputError(at, "the predictor's types are imported from more than \(Self.fileLimit) files of the model; cogpack reads at most \(Self.fileLimit) to write the schema: define the output's classes in fewer files")
        }
        read += 1
        // Errors in that file name it and its own line.
        let module = ModuleScope(module: try PythonModuleReader.read(text, file: path), file: path, path: path)
        loaded[path] = module
        return module
    }

    /// `models/__init__.py` when `name` is a package of the model: Cog does not read it (nor does
    /// this), and an error says so.
    func packageFile(_ name: String, from scope: ModuleScope, line: Int?) throws -> String? {
        guard let files, let path = try path(of: name, from: scope, line: line) else { return nil }
        let initFile = String(path.dropLast(".py".count)) + "/__init__.py"
        if let known = packages[initFile] { return known }
        let found = try files.pythonText(initFile, importedAt: Provenance(file: scope.file, line: line)) == nil ? nil : initFile
        packages[initFile] = .some(found)
        return found
    }

    /// The path from the model folder of the file a module name stands for; nil for `from . import`
    /// alone (a folder, not a file).
    private func path(of name: String, from scope: ModuleScope, line: Int?) throws -> String? {
        let level = name.prefix { $0 == "." }.count
        let parts = name.dropFirst(level).split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return nil }
        var base: [String] = []
        if level > 0 {
            // `.` is the importing file's folder, each further dot one folder up.
            base = scope.folder
            guard level - 1 <= base.count else {
                throw InputError(Provenance(file: scope.file, line: line),
                                 "`from \(name) import` climbs above the model folder (\(level) dots from \(scope.file)); cogpack reads only files inside the folder: import from a file inside it")
            }
            base.removeLast(level - 1)
        }
        return (base + parts).joined(separator: "/") + ".py"
    }
}

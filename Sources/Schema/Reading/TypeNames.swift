import Rules

/// What the names in annotations stand for in one file: Cog's and typing's types through any
/// import form (`from cog import Path as CogPath`, `import cog`, `typing.List`), the file's own
/// classes, and the classes it imports from other files of the model (`from models.out import
/// Prediction`, `import models.out as out` then `out.Prediction`), followed through files that
/// import them in turn.
struct TypeNames {
    let scope: ModuleScope
    let modules: ModelModules

    var module: PythonModule { scope.module }

    /// Modules whose names mean what they say: a `Path` from cog or pathlib is Cog's Path, a
    /// `List` from typing is a list. They are never looked for among the model's files (as Cog
    /// skips its known packages). A name from any other module is read from the model's file of
    /// that name, or is a type Cog cannot see into.
    private static let known: Set<String> = ["cog", "typing", "typing_extensions", "builtins", "pathlib", "cog.types", "collections.abc"]

    enum Meaning {
        /// A name Cog knows (`str`, `Path`, `List`, `Iterator`...), as its bare name.
        case known(String)
        /// A class of this file, or of the file of the model it is imported from (`home`).
        case local(PythonClass, home: ModuleScope)
        /// A name imported from a module Cog cannot read; `note` says why a folder of the model
        /// of that name is not read.
        case foreign(name: String, module: String, note: String?)
    }

    /// A file's view of the same modules.
    func names(in other: ModuleScope) -> TypeNames { TypeNames(scope: other, modules: modules) }

    func meaning(of name: String) throws -> Meaning {
        var trail: [String] = []
        return try meaning(of: name, trail: &trail)
    }

    /// Whether `name` is the known name `bare` (`Optional`, `str`).
    func isKnown(_ name: String, _ bare: String) throws -> Bool {
        if case .known(let b) = try meaning(of: name) { return b == bare }
        return false
    }

    private func meaning(of name: String, trail: inout [String]) throws -> Meaning {
        if let c = module.class(named: name) { return .local(c, home: scope) }
        guard let origin = module.imports.origin(of: name) else { return .known(name) }
        if Self.known.contains(origin.module) { return .known(origin.original) }
        let at = Provenance(file: scope.file, line: origin.line)
        guard let other = try modules.module(origin.module, from: scope, line: origin.line) else {
            var note: String?
            if let initFile = try modules.packageFile(origin.module, from: scope, line: origin.line) {
                note = "\(initFile) is not read (nor by Cog's schema generator): import \(origin.original) from the file of the model that defines it"
            }
            return .foreign(name: origin.original, module: origin.module, note: note)
        }
        let step = "\(other.path):\(origin.original)"
        if trail.contains(step) {
            throw InputError(at, "cannot resolve type '\(origin.original)': the files import it from each other (\((trail + [step]).joined(separator: " → "))) and none defines it")
        }
        guard trail.count < ModelModules.hopLimit else {
            throw InputError(at, "cannot resolve type '\(origin.original)': it is imported through more than \(ModelModules.hopLimit) files; import it from the file that defines it")
        }
        trail.append(step)
        // Python's `from m import X` needs X in m: a class it defines, or a name it imports.
        guard other.module.class(named: origin.original) != nil || other.module.imports[origin.original] != nil else {
            throw InputError(at, "cannot resolve type '\(origin.original)': \(other.file) has no class \(origin.original); define it there as a BaseModel subclass, or import it from the file that does")
        }
        return try names(in: other).meaning(of: origin.original, trail: &trail)
    }

    /// `class Output(BaseModel)`: a base that is BaseModel from cog or pydantic, or any dotted `*.BaseModel`.
    func isModel(_ c: PythonClass) -> Bool {
        c.bases.contains { base in
            guard case .name(let n) = base else { return false }
            if n.hasSuffix(".BaseModel") { return true }
            return module.imports.names(n, "BaseModel", from: ["cog", "pydantic", "pydantic.v1"])
        }
    }
}

/// What the names in annotations stand for in one module: Cog's and typing's types through any
/// import form (`from cog import Path as CogPath`, `import cog`, `typing.List`), and the module's
/// own `BaseModel` classes.
struct TypeNames {
    let module: PythonModule

    /// Modules whose names mean what they say: a `Path` from cog or pathlib is Cog's Path, a
    /// `List` from typing is a list. A name from any other module is a type Cog cannot see into.
    private static let known: Set<String> = ["cog", "typing", "typing_extensions", "builtins", "pathlib", "cog.types", "collections.abc"]

    enum Meaning: Equatable {
        /// A name Cog knows (`str`, `Path`, `List`, `Iterator`...), as its bare name.
        case known(String)
        /// A class of this module.
        case local(String)
        /// A name imported from a module Cog cannot read.
        case foreign(name: String, module: String)
    }

    func meaning(of name: String) -> Meaning {
        if module.class(named: name) != nil { return .local(name) }
        let (from, bare) = module.imports.resolve(name)
        guard let from else { return .known(bare) }
        if Self.known.contains(from) { return .known(bare) }
        return .foreign(name: bare, module: from)
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

/// What a Python file declares at its top level, as far as a predictor's schema needs it.
struct PythonModule: Sendable {
    var imports = ImportTable()
    /// `NAME = literal` at module level: Cog resolves defaults and choices through them.
    var assignments: [String: PythonExpression] = [:]
    var classes: [PythonClass] = []
    var functions: [PythonFunction] = []

    func `class`(named name: String) -> PythonClass? { classes.last { $0.name == name } }
    func function(named name: String) -> PythonFunction? { functions.last { $0.name == name } }
}

struct PythonClass: Sendable {
    struct Field: Sendable {
        let name: String
        let annotation: PythonExpression
        let value: PythonExpression?
        let line: Int
    }

    let name: String
    let bases: [PythonExpression]
    let line: Int
    var methods: [PythonFunction] = []
    /// `name: type` and `name: type = value` in the class body (the fields of a BaseModel).
    var fields: [Field] = []

    func method(named name: String) -> PythonFunction? { methods.last { $0.name == name } }
}

struct PythonFunction: Sendable {
    let name: String
    let isAsync: Bool
    let decorators: [PythonExpression]
    let parameters: [PythonParameter]
    let returns: PythonExpression?
    let line: Int
}

struct PythonParameter: Sendable {
    enum Kind: Sendable { case regular, variadic, keywordVariadic }
    let name: String
    let kind: Kind
    let annotation: PythonExpression?
    let defaultValue: PythonExpression?
    let line: Int
}

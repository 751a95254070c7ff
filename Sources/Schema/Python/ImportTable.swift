/// The names a module imports: local name → the module it comes from and its name there.
/// `from cog import Path as CogPath` maps `CogPath` to (cog, Path); `import cog as c` maps `c` to
/// (cog, cog).
struct ImportTable: Sendable {
    struct Entry: Equatable, Sendable {
        let module: String
        let original: String
        /// The line of the import statement, for errors about the file it names.
        var line: Int? = nil
    }

    private(set) var entries: [String: Entry] = [:]

    mutating func add(local: String, module: String, original: String, line: Int? = nil) {
        entries[local] = Entry(module: module, original: original, line: line)
    }

    subscript(_ local: String) -> Entry? { entries[local] }

    /// What a (possibly dotted) name in the source stands for: (module, name), or nil for a local
    /// or builtin name. `cog.Path` with `import cog` is (cog, Path); `CogPath` is (cog, Path).
    func origin(of name: String) -> Entry? {
        if let dot = name.lastIndex(of: ".") {
            let base = String(name[..<dot])
            let last = String(name[name.index(after: dot)...])
            if let e = entries[base], e.module == e.original { return Entry(module: e.module, original: last, line: e.line) }
            // `from . import types` then `types.Output`: the module is `.types`, not `..types`.
            if let e = entries[base] {
                let joined = e.module.allSatisfy { $0 == "." } ? e.module + e.original : "\(e.module).\(e.original)"
                return Entry(module: joined, original: last, line: e.line)
            }
            return Entry(module: base, original: last)
        }
        return entries[name]
    }

    /// The bare name a (possibly dotted or aliased) name refers to, with the module it comes from.
    /// Names defined in the file (or builtins) come back as they are, with no module.
    func resolve(_ name: String) -> (module: String?, name: String) {
        if let e = origin(of: name) { return (e.module, e.original) }
        return (nil, name)
    }

    /// Whether `name` is `symbol` of one of `modules`, or the bare `symbol` with no import shadowing it
    /// (Cog accepts `Input` and `BaseModel` even when their import is elsewhere).
    func names(_ name: String, _ symbol: String, from modules: Set<String>, bareAllowed: Bool = true) -> Bool {
        let (module, resolved) = resolve(name)
        guard resolved == symbol else { return false }
        if let module { return modules.contains(module) }
        return bareAllowed
    }
}

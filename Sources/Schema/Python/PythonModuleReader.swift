import Rules

/// Reads a module's top level from its logical lines: imports, `NAME = value`, classes (their
/// methods and annotated fields) and functions. Bodies of functions are skipped: nothing in them
/// matters to a schema, and nothing is ever run.
struct PythonModuleReader {
    let file: String

    static func read(_ source: String, file: String) throws -> PythonModule {
        let lines = try PythonTokenizer.lines(source, file: file)
        return try PythonModuleReader(file: file).module(lines)
    }

    private func module(_ lines: [LogicalLine]) throws -> PythonModule {
        var module = PythonModule()
        var decorators: [PythonExpression] = []
        var index = 0
        let top = lines.first?.indent ?? 0
        while index < lines.count {
            let line = lines[index]
            let body = blockEnd(lines, after: index)
            defer { index = body }
            guard line.indent == top else { continue }
            let tokens = line.tokens[...]
            if tokens.first?.isOp("@") == true {
                decorators.append(PythonExpressionParser.parse(tokens.dropFirst()))
                continue
            }
            let pending = decorators
            decorators = []
            switch tokens.first?.name {
            case "import": readImport(tokens.dropFirst(), line: line.line, into: &module.imports)
            case "from": readFromImport(tokens.dropFirst(), line: line.line, into: &module.imports)
            case "class":
                module.classes.append(try readClass(line, body: Array(lines[(index + 1)..<body])))
            case "def", "async":
                if let f = try readFunction(tokens, decorators: pending) { module.functions.append(f) }
            default:
                if let (name, value) = assignment(tokens) { module.assignments[name] = value }
            }
        }
        return module
    }

    /// The index after the lines indented deeper than `lines[index]` (its block).
    private func blockEnd(_ lines: [LogicalLine], after index: Int) -> Int {
        var end = index + 1
        while end < lines.count, lines[end].indent > lines[index].indent { end += 1 }
        return end
    }

    private func assignment(_ tokens: ArraySlice<PythonToken>) -> (String, PythonExpression)? {
        guard let name = tokens.first?.name else { return nil }
        let rest = tokens.dropFirst()
        if rest.first?.isOp("=") == true, TokenRuns.firstIndex(of: "=", in: rest.dropFirst()) == nil {
            return (name, PythonExpressionParser.parse(rest.dropFirst()))
        }
        if rest.first?.isOp(":") == true, let eq = TokenRuns.firstIndex(of: "=", in: rest) {
            return (name, PythonExpressionParser.parse(rest[(eq + 1)...]))
        }
        return nil
    }

    // MARK: imports

    private func dottedName(_ tokens: inout ArraySlice<PythonToken>) -> String {
        var name = ""
        while let t = tokens.first {
            if let n = t.name, n != "import", n != "as" { name += n } else if t.isOp(".") || t.isOp("...") { name += t.isOp(".") ? "." : "..." } else { break }
            tokens = tokens.dropFirst()
        }
        return name
    }

    private func readImport(_ tokens: ArraySlice<PythonToken>, line: Int, into imports: inout ImportTable) {
        for var part in TokenRuns.split(tokens, on: ",") {
            let module = dottedName(&part)
            guard !module.isEmpty else { continue }
            if part.first?.name == "as", let alias = part.dropFirst().first?.name {
                imports.add(local: alias, module: module, original: module, line: line)
            } else {
                imports.add(local: module, module: module, original: module, line: line)
            }
        }
    }

    private func readFromImport(_ tokens: ArraySlice<PythonToken>, line: Int, into imports: inout ImportTable) {
        var rest = tokens
        let module = dottedName(&rest)
        guard rest.first?.name == "import" else { return }
        rest = rest.dropFirst()
        if rest.first?.isOp("(") == true { rest = rest.dropFirst().filter { !$0.isOp(")") }[...] }
        for part in TokenRuns.split(rest, on: ",") {
            guard let original = part.first?.name else { continue }
            let alias = part.dropFirst().first?.name == "as" ? part.dropFirst(2).first?.name ?? original : original
            imports.add(local: alias, module: module, original: original, line: line)
        }
    }

    // MARK: classes and functions

    private func readClass(_ header: LogicalLine, body: [LogicalLine]) throws -> PythonClass {
        let tokens = header.tokens[...]
        guard tokens.count >= 2, let name = tokens[tokens.startIndex + 1].name else {
            throw InputError(Provenance(file: file, line: header.line), "cannot read this class header")
        }
        var bases: [PythonExpression] = []
        let afterName = tokens.startIndex + 2
        if afterName < tokens.endIndex, tokens[afterName].isOp("("), let close = TokenRuns.closing(tokens, from: afterName) {
            bases = TokenRuns.split(tokens[(afterName + 1)..<close], on: ",")
                .filter { !($0.count > 1 && $0[$0.startIndex + 1].isOp("=")) }  // metaclass=..., total=False
                .map { PythonExpressionParser.parse($0) }
        }
        var result = PythonClass(name: name, bases: bases, line: header.line)
        guard let memberIndent = body.first?.indent else { return result }
        var decorators: [PythonExpression] = []
        for line in body where line.indent == memberIndent {
            let t = line.tokens[...]
            if t.first?.isOp("@") == true {
                decorators.append(PythonExpressionParser.parse(t.dropFirst()))
                continue
            }
            let pending = decorators
            decorators = []
            if t.first?.name == "def" || t.first?.name == "async" {
                if let f = try readFunction(t, decorators: pending) { result.methods.append(f) }
            } else if let fieldName = t.first?.name, t.count > 2, t[t.startIndex + 1].isOp(":") {
                let rest = t.dropFirst(2)
                if let eq = TokenRuns.firstIndex(of: "=", in: rest) {
                    result.fields.append(.init(name: fieldName, annotation: PythonExpressionParser.parse(rest[..<eq]),
                                               value: PythonExpressionParser.parse(rest[(eq + 1)...]), line: line.line))
                } else {
                    result.fields.append(.init(name: fieldName, annotation: PythonExpressionParser.parse(rest), value: nil, line: line.line))
                }
            }
        }
        return result
    }

    private func readFunction(_ tokens: ArraySlice<PythonToken>, decorators: [PythonExpression]) throws -> PythonFunction? {
        var t = tokens
        let isAsync = t.first?.name == "async"
        if isAsync { t = t.dropFirst() }
        guard t.first?.name == "def", let nameToken = t.dropFirst().first, let name = nameToken.name else { return nil }
        let open = t.startIndex + 2
        guard open < t.endIndex, t[open].isOp("("), let close = TokenRuns.closing(t, from: open) else {
            throw InputError(Provenance(file: file, line: nameToken.line), "cannot read the parameters of \(name)()")
        }
        let parameters = TokenRuns.split(t[(open + 1)..<close], on: ",").compactMap(parameter)
        var returns: PythonExpression?
        let after = t[(close + 1)...]
        if after.first?.isOp("->") == true {
            let annotation = after.dropFirst()
            let colon = TokenRuns.firstIndex(of: ":", in: annotation) ?? annotation.endIndex
            returns = PythonExpressionParser.parse(annotation[..<colon])
        }
        return PythonFunction(name: name, isAsync: isAsync, decorators: decorators, parameters: parameters,
                              returns: returns, line: nameToken.line)
    }

    private func parameter(_ run: ArraySlice<PythonToken>) -> PythonParameter? {
        var t = run
        var kind = PythonParameter.Kind.regular
        if t.first?.isOp("*") == true { kind = .variadic; t = t.dropFirst() } else if t.first?.isOp("**") == true { kind = .keywordVariadic; t = t.dropFirst() }
        // A bare `*` or `/` separates kinds of parameters; it is not one.
        guard let first = t.first, let name = first.name else { return nil }
        t = t.dropFirst()
        var annotation: PythonExpression?
        var value: PythonExpression?
        let eq = TokenRuns.firstIndex(of: "=", in: t)
        if t.first?.isOp(":") == true {
            annotation = PythonExpressionParser.parse(t[(t.startIndex + 1)..<(eq ?? t.endIndex)])
        }
        if let eq { value = PythonExpressionParser.parse(t[(eq + 1)...]) }
        return PythonParameter(name: name, kind: kind, annotation: annotation, defaultValue: value, line: first.line)
    }
}

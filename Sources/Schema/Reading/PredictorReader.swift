import Rules

/// Finds the predictor (or trainer) that cog.yaml names in a module and reads its signature, as
/// Cog's static generator does: a class's `run` (the BaseRunner style) or else its `predict`
/// (the BasePredictor style), inherited from a base class if need be, of the same file or of a
/// file of the model it imports (as Cog's `TestRunnerWithImportedInheritedRun`); `train` for a
/// trainer; or a function of that name. Every problem names the file and line at fault: a method
/// inherited from another file is read with that file's imports, and fails at its lines.
struct PredictorReader {
    /// The predictor's file, and the model's files its types are imported from.
    let names: TypeNames
    let mode: SchemaMode

    private var module: PythonModule { names.module }
    private var file: String { names.scope.file }

    private func error(_ line: Int?, _ message: String) -> InputError {
        InputError(Provenance(file: file, line: line), message)
    }

    func signature(of target: String) throws -> PredictorSignature {
        let (function, home) = try find(target)
        guard home.path == names.scope.path else {
            return try PredictorReader(names: names.names(in: home), mode: mode).signature(of: function)
        }
        return try signature(of: function)
    }

    /// The signature of `function`, a function or method of this reader's file.
    private func signature(of function: PythonFunction) throws -> PredictorSignature {
        let method = function.name
        var parameters = function.parameters
        if parameters.first?.name == "self" { parameters.removeFirst() }
        var inputs: [InputField] = []
        let reader = InputReader(module: module, names: names)
        // `*args` and `**kwargs` carry no inputs: Cog passes only the named ones.
        for p in parameters where p.kind == .regular {
            do {
                inputs.append(try reader.field(p, order: inputs.count, method: method))
            } catch let problem as SchemaProblem {
                throw error(p.line, problem.message)
            }
        }
        guard let returns = function.returns else {
            throw error(function.line, "missing return type annotation on \(method); write e.g. def \(method)(...) -> str:")
        }
        let output: OutputType
        do {
            output = try OutputTypeResolver(names: names).resolve(try TypeAnnotation(returns))
        } catch let problem as SchemaProblem {
            throw error(function.line, problem.message)
        } catch is TypeAnnotation.Unreadable {
            throw error(function.line, "cannot read the return annotation \(returns.text)")
        }
        let streaming = function.decorators.contains { isCogDecorator($0, "streaming") }
        if streaming, !output.isIterator {
            throw error(function.line, "@streaming requires an Iterator[...], AsyncIterator[...], ConcatenateIterator[...] or AsyncConcatenateIterator[...] return type")
        }
        return PredictorSignature(mode: mode, inputs: inputs, output: output, streaming: streaming, isAsync: function.isAsync)
    }

    /// `@cog.streaming`, `@streaming` (from cog), with or without a call.
    private func isCogDecorator(_ d: PythonExpression, _ symbol: String) -> Bool {
        var e = d
        if case .call(let callee, _, _) = d { e = callee }
        guard case .name(let n) = e else { return false }
        return module.imports.names(n, symbol, from: ["cog"], bareAllowed: false)
    }

    /// The function or method to read, and the file that defines it.
    private func find(_ target: String) throws -> (PythonFunction, ModuleScope) {
        let methodName = mode == .train ? "train" : "predict"
        if let c = module.class(named: target) {
            if mode == .train {
                guard let m = try inherited(c, in: names.scope, "train") else { throw error(c.line, "\(target) has no train() method; a trainer defines def train(self, ...) -> ...") }
                return m
            }
            if let run = try inherited(c, in: names.scope, "run") { return run }
            if let predict = try inherited(c, in: names.scope, "predict") { return predict }
            throw error(c.line, "\(target) must define run() or predict()")
        }
        // Cog takes the name cog.yaml gives (`getattr(module, name)`): a class, or a function of
        // that name. Another function, even one named predict, is not what the server loads.
        if let f = module.function(named: target) { return (f, names.scope) }
        if let f = module.function(named: methodName) {
            throw error(nil, "predictor not found: no class or function named \(target) in this file; Cog loads \(target), so rename the function \(f.name) (line \(f.line)) or name it in cog.yaml (\(file):\(f.name))")
        }
        throw error(nil, "predictor not found: no class or function named \(target) in this file")
    }

    /// A method of the class, or of a base class of the same file or of a file of the model it
    /// is imported from (nearest first), with the file that defines it. Bases of other packages
    /// (cog's BasePredictor, torch's) hold nothing to read.
    private func inherited(_ c: PythonClass, in home: ModuleScope, _ name: String, seen: Set<String> = []) throws -> (PythonFunction, ModuleScope)? {
        if let m = c.method(named: name) { return (m, home) }
        let key = "\(home.path):\(c.name)"
        for case .name(let base) in c.bases {
            guard case .local(let parent, let parentHome) = try names.names(in: home).meaning(of: base),
                  !seen.contains("\(parentHome.path):\(parent.name)") else { continue }
            if let m = try inherited(parent, in: parentHome, name, seen: seen.union([key])) { return m }
        }
        return nil
    }
}

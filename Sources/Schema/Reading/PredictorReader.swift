import Rules

/// Finds the predictor (or trainer) that cog.yaml names in a module and reads its signature, as
/// Cog's static generator does: a class's `run` (the BaseRunner style) or else its `predict`
/// (the BasePredictor style), inherited from a class of the same file if need be; `train` for a
/// trainer; or a function of that name. Every problem names the file and line at fault.
struct PredictorReader {
    let module: PythonModule
    let file: String
    let mode: SchemaMode

    private var names: TypeNames { TypeNames(module: module) }

    private func error(_ line: Int?, _ message: String) -> InputError {
        InputError(Provenance(file: file, line: line), message)
    }

    func signature(of target: String) throws -> PredictorSignature {
        let function = try find(target)
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
        } catch {
            throw self.error(function.line, "cannot read the return annotation \(returns.text)")
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

    private func find(_ target: String) throws -> PythonFunction {
        let methodName = mode == .train ? "train" : "predict"
        if let c = module.class(named: target) {
            if mode == .train {
                guard let m = inherited(c, "train") else { throw error(c.line, "\(target) has no train() method; a trainer defines def train(self, ...) -> ...") }
                return m
            }
            if let run = inherited(c, "run") { return run }
            if let predict = inherited(c, "predict") { return predict }
            throw error(c.line, "\(target) must define run() or predict()")
        }
        // Cog takes the name cog.yaml gives (`getattr(module, name)`): a class, or a function of
        // that name. Another function, even one named predict, is not what the server loads.
        if let f = module.function(named: target) { return f }
        if let f = module.function(named: methodName) {
            throw error(nil, "predictor not found: no class or function named \(target) in this file; Cog loads \(target), so rename the function \(f.name) (line \(f.line)) or name it in cog.yaml (\(file):\(f.name))")
        }
        throw error(nil, "predictor not found: no class or function named \(target) in this file")
    }

    /// A method of the class, or of a base class defined in the same file (nearest first).
    private func inherited(_ c: PythonClass, _ name: String, seen: Set<String> = []) -> PythonFunction? {
        if let m = c.method(named: name) { return m }
        for case .name(let base) in c.bases where !seen.contains(base) {
            if let parent = module.class(named: base), let m = inherited(parent, name, seen: seen.union([c.name])) { return m }
        }
        return nil
    }
}

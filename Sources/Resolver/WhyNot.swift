import Rules

extension Session {
    func whyNot(variable: ResolverVariable, value: String) throws -> String {
        let flag = Provenance.flag("--why-not")
        guard let v = enc.variable(variable) else {
            throw InputError(flag, "unknown variable '\(variable)'; use one of \(enc.order.map(\.name).joined(separator: ", ")) (a package has a variable when the model requires it)")
        }
        guard let idx = v.index(ofLabel: value) else {
            if case .package(let name) = variable, let wanted = PEP440Version(value) {
                // A release the data lacks: say which it has around it.
                let releases = v.values.compactMap(\.pep)
                let below = releases.last { $0 < wanted }.map { "\($0)" }
                let above = releases.first { $0 > wanted }.map { "\($0)" }
                let around = [below, above].compactMap { $0 }.joined(separator: " and ")
                throw InputError(flag, "\(name) \(value) is not a release in \(kb.matrix.file)" + (around.isEmpty ? "" : "; the releases nearest it there are \(around)"))
            }
            let known = v.values.filter { !$0.isNone }.map(\.label)
            throw InputError(flag, "\(variable) has no value '\(value)'; known values: \(known.suffix(12).joined(separator: ", "))")
        }
        let literals = allLiterals
        guard solver.check(literals) == .sat else {
            return "nothing resolves: the requests conflict (run `cogpack resolve` to see the conflict)"
        }
        let isValue = z3.eq(v.term, idx)
        if solver.check(literals + [isValue]) == .unsat {
            let core = minimalCore([isValue], among: literals).map(reason)
            let width = core.map(\.source.count).max() ?? 0
            return "\(variable) \(value) is ruled out by:\n" + core.map {
                "  \($0.source.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.text)"
            }.joined(separator: "\n")
        }
        let steps = optimize(literals) ?? []
        var fixed: [Z3Context.Term] = []
        for step in steps {
            fixed.append(step.fixed.literal)
            if solver.check(literals + fixed + [isValue]) == .unsat {
                let picked = step.variable.values[step.chosen].label
                if step.variable.id == variable {
                    return "\(variable) \(value) is allowed, but \(picked) wins: \(step.objective.message) (\(step.objective.source))"
                }
                return "\(variable) \(value) is allowed, but choosing \(step.variable.name) \(picked) first rules it out: \(step.objective.message) (\(step.objective.source))"
            }
        }
        return "\(variable) \(value) is the chosen value"
    }
}

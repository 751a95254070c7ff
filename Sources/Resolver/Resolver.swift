import Rules

/// Encodes requests and rules, solves with lexicographic objectives, and explains the answer.
public struct Resolver {
    public let kb: KnowledgeBase

    public init(kb: KnowledgeBase) { self.kb = kb }

    /// For a command that resolves and then ends: starts making the solver's context on another
    /// thread, so that it is ready when the rules are loaded, and leaves this process's contexts
    /// to the system when it exits instead of deleting each (`Z3Context.prepare`).
    public static func prepareForCommand() { Z3Context.prepare(leavingToExit: true) }

    /// `alternatives`: also search the values every request allows beside each choice (for
    /// people; a tool comparing reasons can do without them, at about half the cost).
    public func resolve(_ requests: [Request], alternatives: Bool = true) throws -> Outcome {
        let session = try Session(kb: kb, requests: requests)
        return session.solve(alternatives: alternatives)
    }

    /// The choices with the reasons of `variables` only (no alternatives): for a tool that
    /// explains a few choices of many models (`cogpack rules diff` explains the ones that moved).
    public func resolve(_ requests: [Request], reasonsFor variables: Set<ResolverVariable>) throws -> Outcome {
        let session = try Session(kb: kb, requests: requests)
        return session.solve(alternatives: false, reasonsFor: variables)
    }

    /// The same choices without their reasons or alternatives, and a conflict's core without
    /// corrections, for comparing many models (`cogpack rules diff`): `examples/gpu-torch` in
    /// 24 ms against 42 ms explained (`cogpack-bench`), and a conflict without resolving each
    /// correction again.
    public func resolveValues(_ requests: [Request]) throws -> Outcome {
        let session = try Session(kb: kb, requests: requests)
        return session.solve(explaining: false)
    }

    /// Why `variable` did not take `value`: the constraints that exclude it, or the objective it
    /// loses on.
    public func whyNot(_ requests: [Request], variable: ResolverVariable, value: String) throws -> String {
        let session = try Session(kb: kb, requests: requests)
        return try session.whyNot(variable: variable, value: value)
    }
}

/// One resolution problem: the encoding plus the solving steps over it.
final class Session {
    let enc: Encoding
    let kb: KnowledgeBase
    var z3: Z3Context { enc.z3 }
    var solver: Z3Solver { enc.solver }

    struct Step {
        let objective: Objective
        let variable: Variable
        /// Every value of the variable, best first for its objective; the chosen one is the first
        /// the requests and earlier choices allow.
        let order: [Int]
        let chosen: Int
        let fixed: Constraint
        /// Why the objective's own preference gave way: the settled value it kept near, or the
        /// default rule it followed.
        var nearWhy: Reason? = nil
        /// The values also allowed after this choice, in the objective's order, when searched.
        var alternatives: [Int] = []
    }

    init(kb: KnowledgeBase, requests: [Request]) throws {
        self.kb = kb
        enc = Encoding(kb: kb, requests: requests)
        if let first = enc.inputErrors.first { throw first }
    }

    /// Requests, rules and table rows; never the values an earlier optimization fixed, so that a
    /// session can optimize again (why-not, corrections) from the same starting point.
    var allLiterals: [Z3Context.Term] { enc.constraints.filter { !$0.isChoice }.map(\.literal) }

    func constraint(id: UInt32) -> Constraint? { enc.constraints.first { $0.id == id } }

    /// A minimal subset of `literals` that is still unsatisfiable with `extra` (deletion-based).
    func minimalCore(_ extra: [Z3Context.Term], among literals: [Z3Context.Term]) -> [Constraint] {
        guard solver.check(extra + literals) == .unsat else { return [] }
        let coreIDs = solver.unsatCore()
        var core = enc.constraints.filter { coreIDs.contains($0.id) }
        // Every member before `i` is needed: without it the rest was satisfiable, and so is any
        // smaller set without it. A smaller core found later keeps them all, in their places,
        // so the search goes on from `i` instead of starting again.
        var i = 0
        while i < core.count {
            var trial = core
            trial.remove(at: i)
            if solver.check(extra + trial.map(\.literal)) == .unsat {
                let ids = solver.unsatCore()
                core = trial.filter { ids.contains($0.id) }
                continue
            }
            i += 1
        }
        return core
    }

    static let alternativesShown = 6

    /// Up to `limit` values of `order` the literals allow, in that order. Without the last
    /// model: the search for the next value starts after the one just found, which is usually the
    /// model's value, so reading it (Z3 builds a whole model to answer) only cost time. For the
    /// examples it saved no check at all (98 checks either way, the same answers) and cost a
    /// tenth to a quarter of a cold `resolve`.
    func nextAllowed(_ v: Variable, after order: ArraySlice<Int>, under literals: [Z3Context.Term], limit: Int) -> [Int] {
        var found: [Int] = []
        var rest = order
        while found.count < limit, let next = firstAllowed(v, in: rest, under: literals, witnessed: false) {
            found.append(next)
            rest = rest[(rest.firstIndex(of: next)! + 1)...]
        }
        return found
    }

    /// The first value of `order` the literals (with the scope's) allow, found by bisecting on
    /// prefixes of the order: about log2(n) checks, however many values are allowed, and often
    /// none or one. `settled`: the values `literals` fix, one for each literal (the choices made so
    /// far); a model of an earlier check is trusted only when it agrees with every one of them, so
    /// `literals` must say nothing else. `witnessed`: whether to start from that model at all.
    func firstAllowed(_ v: Variable, in order: ArraySlice<Int>, under literals: [Z3Context.Term],
                      settled: [(Variable, Int)] = [], witnessed: Bool = true) -> Int? {
        guard let head = order.first else { return nil }
        // A value known to be allowed: the last check's model's, when that model still holds and
        // agrees with what is settled; else found by a check. The first allowed value is at or
        // before it.
        var known = witnessed ? witness(v, settled: settled).flatMap { order.firstIndex(of: $0) } : nil
        if known == nil {
            // The first value itself, in one check: the preferred value is usually allowed.
            if solver.check(literals + [z3.eq(v.term, head)]) == .sat { return head }
            let rest = order.dropFirst()
            guard !rest.isEmpty, solver.check(literals + [z3.among(v.term, Array(rest))]) == .sat else { return nil }
            known = solver.value(of: v.term).flatMap { rest.firstIndex(of: $0) }
        }
        guard var at = known else { return nil }
        // Is anything before it allowed? Often not (a value the requests fix, a package that is
        // absent): then one check settles it.
        if at == order.startIndex { return head }
        guard solver.check(literals + [z3.among(v.term, Array(order[..<at]))]) == .sat else { return order[at] }
        guard let better = solver.value(of: v.term).flatMap({ order.firstIndex(of: $0) }), better < at else { return nil }
        at = better
        if at == order.startIndex || solver.check(literals + [z3.eq(v.term, head)]) == .sat { return head }
        // Bisect: the shortest allowed prefix ends in lo...hi; each model found shortens it further.
        var (lo, hi) = (order.startIndex + 2, at + 1)
        while lo < hi {
            let mid = (lo + hi) / 2
            if solver.check(literals + [z3.among(v.term, Array(order[order.startIndex..<mid]))]) == .sat {
                hi = solver.value(of: v.term).flatMap { order.firstIndex(of: $0) }.map { min(mid, $0 + 1) } ?? mid
            } else {
                lo = mid + 1
            }
        }
        return order[hi - 1]
    }

    /// `v`'s value in the last check's model, when that model satisfies what is asserted now and
    /// agrees with `settled`: a value allowed with them, known without a check.
    private func witness(_ v: Variable, settled: [(Variable, Int)]) -> Int? {
        guard solver.hasModel else { return nil }
        let values = solver.values(of: [v.term] + settled.map(\.0.term))
        for (i, (_, chosen)) in settled.enumerated() where values[i + 1] != chosen { return nil }
        return values[0]
    }

    /// The only value `v` can take, if the literals leave it one.
    func onlyAllowed(_ v: Variable, under literals: [Z3Context.Term]) -> Int? {
        guard solver.check(literals) == .sat, let x = solver.value(of: v.term) else { return nil }
        return solver.check(literals + [z3.not(z3.eq(v.term, x))]) == .unsat ? x : nil
    }

    /// Every value index of `v`, best first for the objective (ties to the earlier value, which
    /// keeps answers stable across runs).
    func preference(of v: Variable, objective: Objective, chosenPython: DottedVersion?, near target: DottedVersion? = nil) -> [Int] {
        func key(_ i: Int) -> [Int] {
            let value = v.values[i]
            if let target {
                // Nothing needs a value (a toolkit on a slim base): none wins. Otherwise the same
                // major first, then the nearest minor; ties go to the newer.
                guard let d = value.dotted else { return [2] }
                let distance = abs((d.major * 100 + d.minor) - (target.major * 100 + target.minor))
                return [d.major == target.major ? 1 : 0, -distance] + value.rank
            }
            switch objective.prefer {
            case .newest: return value.rank
            // Padded, so that 580 is older than 580.65.06 once negated.
            case .oldest: return (value.rank + Array(repeating: 0, count: max(0, 4 - value.rank.count))).map { -$0 }
            case .smallest:
                guard let img = value.image else { return value.rank }
                let install = (img.python != nil && img.python == chosenPython) ? 0 : kb.catalog.pythonInstallMB
                // Equal sizes: the newer CUDA patch and OS win.
                return [-(img.sizeMB + install)] + value.rank.dropFirst()
            }
        }
        let keys = v.values.indices.map(key)
        return v.values.indices.sorted { a, b in
            keys[a] == keys[b] ? a < b : keys[b].lexicographicallyPrecedes(keys[a])
        }
    }

    /// Lexicographic optimization: each objective in turn fixes its variable to its best allowed
    /// value. Nil when the base literals allow nothing. `alternatives`: also search, in the same
    /// scope, the next values the requests allow after each choice (for people; see `explain`).
    /// `until`: stop once these variables are chosen (all when nil). A choice depends only on the
    /// objectives before it, so theirs are the values a whole search gives; a caller that reads a
    /// few values (a correction, its check) spares the checks of the objectives after them.
    func optimize(_ base: [Z3Context.Term], near: (variable: ResolverVariable, index: Int)? = nil,
                  alternatives: Bool = false, until wanted: Set<ResolverVariable>? = nil) -> [Step]? {
        var steps: [Step] = []
        var fixed: [Z3Context.Term] = []
        var python: DottedVersion?
        var objectives = kb.objectives.filter { enc.variable($0.variable) != nil }
        for id in enc.order where !objectives.contains(where: { $0.variable == id }) {
            objectives.append(Objective(id: "objective.\(id)", variable: id, prefer: .newest,
                                        message: "the newest \(id) allowed", source: kb.catalog.source))
        }
        if let near, let i = objectives.firstIndex(where: { $0.variable == near.variable }) {
            objectives.insert(objectives.remove(at: i), at: 0)
        }
        // The search needs no cores: with the base literals asserted in a scope, each check
        // carries only the values fixed so far. With the ~400 literals as assumptions of every
        // check instead, the 100-model batch took 3.4 s against 3.0 to 3.3 s. The choices are
        // tracked (for explanations) once the scope is gone.
        var picks: [(objective: Objective, variable: Variable, order: [Int], chosen: Int, nearWhy: Reason?)] = []
        solver.push()
        for literal in base { solver.assert(literal) }
        guard solver.check([]) == .sat else {
            solver.pop()
            return nil
        }
        var missing = wanted?.filter { enc.variable($0) != nil }
        for objective in objectives {
            if missing?.isEmpty == true { break }
            missing?.remove(objective.variable)
            let v = enc.variable(objective.variable)!
            let order: [Int]
            var nearWhy: Reason?
            if let near, near.variable == v.id {
                // A correction: the value nearest the one the request asked for.
                order = v.values.indices.sorted { a, b in
                    let (da, db) = (abs(a - near.index), abs(b - near.index))
                    return da == db ? a > b : da < db
                }
            } else if let (target, why) = nearTarget(objective, fixed: fixed, picks: picks.map { ($0.variable, $0.chosen) }) {
                order = preference(of: v, objective: objective, chosenPython: python, near: target)
                nearWhy = why
            } else {
                order = preference(of: v, objective: objective, chosenPython: python)
            }
            guard let chosen = firstAllowed(v, in: order[...], under: fixed, settled: picks.map { ($0.variable, $0.chosen) }) else { break }
            if v.id == .python { python = v.values[chosen].dotted }
            fixed.append(z3.eq(v.term, chosen))
            picks.append((objective, v, order, chosen, nearWhy))
        }
        // The next values the requests allow after each choice, with the choices before it
        // asserted: in this scope, whose base the solver has taken in already (a scope of its own
        // asserted the same ~400 literals again).
        var alternativesOf: [[Int]] = []
        if alternatives {
            for pick in picks {
                let position = pick.order.firstIndex(of: pick.chosen)!
                alternativesOf.append(nextAllowed(pick.variable, after: pick.order[(position + 1)...], under: [], limit: Self.alternativesShown))
                solver.assert(z3.eq(pick.variable.term, pick.chosen))
            }
        }
        solver.pop()
        for pick in picks {
            let text = "\(pick.variable.name) \(pick.variable.values[pick.chosen].label) chosen as \(pick.objective.message)"
            let c = enc.track(.choice(variable: pick.variable.id), pick.objective.source, text, z3.eq(pick.variable.term, pick.chosen))
            steps.append(Step(objective: pick.objective, variable: pick.variable, order: pick.order, chosen: pick.chosen, fixed: c,
                              nearWhy: pick.nearWhy, alternatives: alternativesOf.isEmpty ? [] : alternativesOf[steps.count]))
        }
        return steps
    }

    /// The value an objective keeps near instead of its own preference: its `near` variable's,
    /// when an earlier objective chose it or the requests leave it one value; else the value of a
    /// `prefer` rule whose condition every allowed answer meets. Called inside the search scope.
    func nearTarget(_ objective: Objective, fixed: [Z3Context.Term], picks: [(Variable, Int)]) -> (DottedVersion, Reason)? {
        if let nearID = objective.near, let nv = enc.variable(nearID) {
            if let pick = picks.first(where: { $0.0.id == nearID }) {
                if let d = nv.values[pick.1].dotted {
                    return (d, Reason(source: objective.source.description, text: "kept nearest the chosen \(nearID.name) \(d.text)"))
                }
            } else {
                if let only = onlyAllowed(nv, under: fixed), let d = nv.values[only].dotted {
                    let by = enc.requests.first { if case .cuda = $0.kind { return nearID == .cudaToolkit } else { return false } }
                    let said = by.map { " (\($0.text), \($0.source))" } ?? ""
                    return (d, Reason(source: objective.source.description, text: "kept nearest \(nearID.name) \(d.text)\(said): the same major first, then the nearest minor"))
                }
            }
        }
        for rule in kb.rules {
            guard case .prefer(let variable, let value) = rule.consequence, variable == objective.variable else { continue }
            // The default applies when no allowed answer escapes its condition.
            if solver.check(fixed + [z3.not(enc.condition(rule.when))]) == .unsat {
                return (value, Reason(source: rule.source.description, text: "\(rule.message) (\(rule.id)); the allowed value nearest \(value.text)"))
            }
        }
        return nil
    }

    // MARK: - solve

    /// `reasonsFor`: the variables whose choices are explained (all when nil).
    func solve(explaining: Bool = true, alternatives: Bool = true, reasonsFor: Set<ResolverVariable>? = nil) -> Outcome {
        let literals = allLiterals
        guard let steps = optimize(literals, alternatives: explaining && alternatives) else {
            return .conflict(conflict(literals, corrections: explaining))
        }
        return .resolved(explain(steps, base: literals, reasons: explaining, reasonsFor: reasonsFor))
    }

    func reason(_ c: Constraint) -> Reason {
        switch c.origin {
        case .request(let i): return Reason(source: enc.requests[i].source.description, text: enc.requests[i].text)
        default: return Reason(source: c.source.description, text: c.text)
        }
    }

    func explain(_ steps: [Step], base: [Z3Context.Term], reasons wanted: Bool = true,
                 reasonsFor: Set<ResolverVariable>? = nil) -> Resolution {
        var choices: [Choice] = []
        var warnings: [String] = []
        var unknown: [(Variable, Variable.Value)] = []
        var fixedBefore: [Z3Context.Term] = []
        for step in steps {
            defer { fixedBefore.append(step.fixed.literal) }
            let v = step.variable
            let value = v.values[step.chosen]
            if value.isNone { continue }
            var reasons: [Reason] = []
            var alternatives: [Variable.Value] = []
            if wanted, reasonsFor?.contains(v.id) ?? true {
                let position = step.order.firstIndex(of: step.chosen)!
                // Why not a better value: what rules out every value the objective prefers.
                if position > 0 {
                    let better = z3.among(v.term, Array(step.order[..<position]))
                    reasons = summarize(minimalCore([better], among: base + fixedBefore), chosen: "\(v.name) \(value.label) ")
                }
                // The next values the requests allow after the choice, in the objective's order
                // (a few: they are for people, and each costs a search), searched by `optimize`.
                alternatives = step.alternatives.map { v.values[$0] }
                if !alternatives.isEmpty {
                    let also = "; also allowed: \(alternatives.map(\.label).joined(separator: ", "))"
                    reasons.append(Reason(source: step.objective.source.description, text: step.objective.message + also))
                    if let why = step.nearWhy { reasons.append(why) }
                }
            }
            if value.unknown { unknown.append((v, value)) }
            choices.append(Choice(variable: v.id, value: value.typed, reasons: reasons, alternatives: alternatives.map(\.typed)))
        }
        func chosen(_ id: ResolverVariable) -> Variable.Value? {
            steps.first { $0.variable.id == id }.map { $0.variable.values[$0.chosen] }.flatMap { $0.isNone ? nil : $0 }
        }
        let cuda = chosen(.cuda)?.dotted
        let cudaToolkit = chosen(.cudaToolkit)?.dotted
        let driverMin = chosen(.driverMin)?.dotted
        /// On a GPU build, the row of a known release whose CUDA an unknown one is taken to have.
        func assumed(_ name: String, _ version: PEP440Version) -> (release: PEP440Version, row: PackageRow)? {
            guard cuda != nil, kb.matrix.isCUDAVariant(name), !kb.matrix.versions(of: name).contains(version),
                  let a = kb.matrix.assumedRows(of: name, for: version), let row = a.rows.first(where: { $0.fits(cuda: cuda) }) else { return nil }
            return (a.release, row)
        }
        for (v, value) in unknown {
            // What the package index's recorded releases say of it (nothing when another index may serve it).
            var status = IndexRelease.Status.unrecorded
            if case .package(let name) = v.id, let version = value.pep, !enc.namesOtherIndexes { status = kb.matrix.status(of: name, version) }
            var released = false
            if case .released = status { released = true }
            let pythons = released ? "its Pythons are those of its wheels on the package index"
                : "its Python support is not checked" + (status.isNewerThanData ? " (it is newer than every release the package index had when the data was made)" : "")
            let absent = released ? "has no row in \(kb.matrix.file), only a release of the package index" : "is not in \(kb.matrix.file)"
            if case .package(let name) = v.id, let version = value.pep, let a = assumed(name, version) {
                warnings.append("\(name) \(value.label) \(absent), so which CUDA its wheels use is not known: "
                    + "the package index's default wheel is installed, and the build takes its CUDA to be \(cuda!.text), "
                    + "that of the package index's wheel of \(a.release), the nearest release the data knows. The wheel's own CUDA "
                    + "is the one its `nvidia-*` requirements pin (or, for wheels without them, the one the package index says it "
                    + "is built for); \(pythons). Refresh the data with `cogpack data refresh`")
            } else if released, case .package(let name) = v.id, !kb.matrix.isCUDAVariant(name),
                      kb.matrix.rows(of: name).allSatisfy({ $0.requires.isEmpty }) {
                // Its rows would say no more than its Pythons, which the index's release does.
                continue
            } else {
                warnings.append("\(v.name) \(value.label) \(absent): \(pythons); refresh the data with `cogpack data refresh`")
            }
        }
        let blocked = enc.unreachableHosts
        let packages = enc.packages.compactMap { name -> ChosenPackage? in
            guard let version = chosen(.package(name))?.pep else { return nil }
            // The row of the variant installed: the one built for the chosen CUDA, or the CPU one;
            // when its index does not answer, the package index's own wheel (CPU builds run it).
            let rows = kb.matrix.rows(of: name).filter { $0.version == version && Encoding.installable($0, unreachable: blocked) }
            let row = rows.first { $0.fits(cuda: cuda) } ?? (cuda == nil ? rows.first { $0.onPyPI } : nil)
            if cuda == nil, let row, let built = row.cuda,
               let cpu = kb.matrix.rows(of: name).first(where: { $0.version == version && $0.cuda == nil }), let index = cpu.extraIndex {
                warnings.append("\(name) \(version): the CPU wheels' index \(index) does not answer, so the package index's wheel is installed; it is built for CUDA \(built.text) and runs on a CPU, but is larger")
            }
            return ChosenPackage(name: name, version: version, row: row, assumed: row == nil ? assumed(name, version)?.row : nil)
        }
        // A patch release of Python is not something the image pins: say which Python it gets.
        let base = chosen(.baseImage)?.image
        for r in enc.requests {
            guard case .python(let asked) = r.kind, asked.parts.count > 2 else { continue }
            let from = base?.python.map { _ in "the Python \(base!.reference) ships" } ?? "the newest \(asked.truncated(to: 2).text) patch release uv installs"
            warnings.append("\(r.source): python_version \"\(asked.text)\" names a patch release; the image has \(from), which may be another \(asked.truncated(to: 2).text).x: the resolver and the build work on the minor")
        }
        // An index the requirements name that lacks the chosen release: pip takes the package index's.
        for r in enc.requests {
            guard case .wheelIndex(let url) = r.kind else { continue }
            for p in packages {
                let served = kb.matrix.rows(of: p.name).filter { $0.index.map { Encoding.index($0, covers: url) } ?? false }
                guard !served.isEmpty, !served.contains(where: { $0.version == p.version }) else { continue }
                let variant = p.row?.variant.map { " (\($0))" } ?? ""
                warnings.append("\(r.source): \(url) has no \(p.name) \(p.version); pip installs the package index's wheel\(variant) instead, as it searches every index")
            }
        }
        let order = kb.objectives.map(\.variable)
        let sortedPackages = packages.sorted { a, b in
            (order.firstIndex(of: .package(a.name)) ?? .max, a.name) < (order.firstIndex(of: .package(b.name)) ?? .max, b.name)
        }
        warnings += cudaWarnings(cuda: cuda, toolkit: cudaToolkit, driver: driverMin, packages: sortedPackages)
        return Resolution(python: chosen(.python)!.dotted!, cuda: cuda, cudaToolkit: cudaToolkit, cudnn: chosen(.cudnn)?.dotted,
                          os: chosen(.os)!.label, baseImage: chosen(.baseImage)!.image!, driverMin: driverMin, packages: sortedPackages,
                          apt: aptSelection(), choices: choices, warnings: warnings)
    }

    /// Where the image and the wheels differ about CUDA, and why the build still runs; and the
    /// CUDA settings a CPU build ignores.
    private func cudaWarnings(cuda: DottedVersion?, toolkit: DottedVersion?, driver: DottedVersion?, packages: [ChosenPackage]) -> [String] {
        var out: [String] = []
        let m = kb.matrix
        func pinText(_ r: Request) -> String { "\(r.text) (\(r.source))" }
        guard let cuda else {
            for r in enc.requests {
                switch r.kind {
                case .cuda, .cudnn: out.append("\(pinText(r)) is ignored: the model does not use a GPU, so the image has no CUDA (Cog ignores it too)")
                default: break
                }
            }
            return out
        }
        // Releases that run on another package's runtime (one wheel for every CUDA).
        let bringers = packages.filter { $0.row?.bringsCUDARuntime == true && $0.row?.cuda != nil }
        for p in packages where p.row == nil {
            let rows = m.rows(of: p.name).filter { $0.version == p.version && $0.cuda != nil && $0.bringsCUDARuntime && $0.variant == nil }
            guard let row = rows.first, let built = row.cuda, let other = bringers.first else { continue }
            out.append("\(p.name) \(p.version) is built for CUDA \(built.text) and runs on the CUDA \(cuda.text) runtime that the wheels of \(other.name) \(other.version) bring (the same major), so it is installed without CUDA libraries of its own")
        }
        guard let toolkit, toolkit != cuda else { return out }
        let pin = enc.requests.first { if case .cuda = $0.kind { return true } else { return false } }
        let asked = pin.map { " asked for by \(pinText($0))" } ?? ""
        let wheels = bringers.map { p -> String in
            let none = m.rows(of: p.name).contains { $0.version == p.version && $0.fits(cuda: toolkit) } ? "" : " (no wheels for CUDA \(toolkit.text))"
            return "\(p.name) \(p.version)\(p.row?.variant.map { " \($0)" } ?? "")\(none)"
        }.joined(separator: ", ")
        var floors: [String] = []
        if let d = m.toolkitDriver(for: toolkit)?.driver { floors.append("the CUDA \(toolkit.text) image needs \(d.text)") }
        if let d = (m.compatDriver(for: cuda)?.driver ?? m.toolkitDriver(for: cuda)?.driver) { floors.append("CUDA \(cuda.text) wheels need \(d.text)") }
        let driverText = driver.map { "; driver \($0.text) or newer runs both (\(floors.joined(separator: ", ")))" } ?? ""
        out.append("the image has the CUDA \(toolkit.text) toolkit\(asked), but the wheels of \(wheels) bring their own CUDA \(cuda.text) runtime (nvidia-* wheels) and run on it; the toolkit is used only by code compiled against it during the build\(driverText)")
        return out
    }

    /// Table rows that each rule out one other value say little one by one: keep the rows about
    /// the chosen value and the requests and rules, and count the rest.
    private func summarize(_ core: [Constraint], chosen: String) -> [Reason] {
        let tableRows = core.filter { $0.origin == .table }
        guard tableRows.count > 3 else { return core.map(reason) }
        var out = core.filter { $0.origin != .table }.map(reason)
        let positive = enc.constraints.filter { $0.origin == .table && $0.text.hasPrefix(chosen) }
        out += positive.map(reason)
        out.append(Reason(source: kb.matrix.file, text: "\(tableRows.count) other rows rule out the other values"))
        return out
    }

    private func aptSelection() -> AptSelection {
        var packages: [String] = []
        var reasons: [Reason] = []
        for r in enc.requests {
            if case .systemPackages(let list) = r.kind {
                packages += list
                reasons.append(Reason(source: r.source.description, text: r.text))
            }
        }
        for rule in kb.rules {
            guard case .apt(let list) = rule.consequence else { continue }
            // Rules for what a package needs, and for programs `run:` lines call.
            let origin: Request?
            if let p = rule.when.package {
                guard enc.requestedPackages.contains(p) else { continue }
                origin = enc.requests.first { $0.packageName == p }
            } else if let command = rule.when.command {
                origin = enc.requests.first { if case .runCommand(command) = $0.kind { return true } else { return false } }
                guard origin != nil else { continue }
            } else {
                continue
            }
            packages += list
            reasons.append(Reason(source: rule.source.description,
                                  text: "\(list.joined(separator: " ")): \(rule.message)" + (origin.map { " (\($0.source))" } ?? "")))
        }
        var seen = Set<String>()
        return AptSelection(packages: packages.filter { seen.insert($0).inserted }, reasons: reasons)
    }
}

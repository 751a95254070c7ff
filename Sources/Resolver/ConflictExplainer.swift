import Rules

extension Session {
    /// A minimal core of clashing requests and rules, and the smallest sets of request edits that
    /// make the problem resolve, each checked by resolving the edited requests again.
    func conflict(_ literals: [Z3Context.Term], corrections wanted: Bool = true) -> Conflict {
        let core = minimalCore([], among: literals)
        guard wanted else { return Conflict(core: core.map(reason), corrections: []) }
        let coreRequests = core.compactMap { c -> Int? in
            if case .request(let i) = c.origin { return i }
            return nil
        }
        var corrections: [Correction] = []
        var subsets: [[Int]] = coreRequests.map { [$0] }
        var found = false
        for size in 1...2 {
            if size == 2 {
                guard !found else { break }
                subsets = []
                for (a, i) in coreRequests.enumerated() { for j in coreRequests[(a + 1)...] { subsets.append([i, j]) } }
            }
            for subset in subsets {
                let dropped = Set(subset.map { enc.constraints[constraintIndex(request: $0)].id })
                let relaxed = enc.constraints.filter { !dropped.contains($0.id) && literals.contains($0.literal) }.map(\.literal)
                // The first request's nearest values, searched only as far as its edit reads; the
                // search's first check is whether the rest resolves at all.
                guard let first = optimize(relaxed, near: nearTarget(enc.requests[subset[0]]), until: Edit.reads(enc.requests[subset[0]])) else { continue }
                found = true
                // What the user wrote stays named; facts of the machine (the engine's images) go without saying.
                let stays = coreRequests.filter { !subset.contains($0) && enc.requests[$0].explicit }.map { enc.requests[$0].text }
                // Change each request to the nearest value that resolves.
                var changes: [Correction.Change] = []
                var edited = enc.requests
                var ok = true
                for i in subset {
                    let r = enc.requests[i]
                    let steps = i == subset[0] ? first : optimize(relaxed, near: nearTarget(r), until: Edit.reads(r)) ?? []
                    guard let edit = Edit.change(r, steps: steps, kb: kb) else { ok = false; break }
                    changes.append(.init(source: r.source.description, request: r.text, edit: edit.edit))
                    edited[i] = edit.request ?? Self.dropped(r)
                }
                if ok, let outcome = verify(edited) {
                    corrections.append(Correction(changes: changes, stays: stays, outcome: outcome))
                }
                // Dropping a single request outright, when that means something different from changing it.
                if subset.count == 1, let i = subset.first, Edit.removable(enc.requests[i]) {
                    let r = enc.requests[i]
                    var withoutIt = enc.requests
                    withoutIt[i] = Self.dropped(r)
                    let removal = Correction.Change(source: r.source.description, request: r.text, edit: .remove)
                    if let outcome = verify(withoutIt), !corrections.contains(where: { $0.changes.count == 1 && $0.changes[0].source == removal.source && $0.changes[0].edit.removes }) {
                        corrections.append(Correction(changes: [removal], stays: stays, outcome: outcome))
                    }
                }
            }
        }
        return Conflict(core: condensed(core), corrections: corrections)
    }

    /// The core's reasons, with a long run of one package's table rows (every release of the cog
    /// SDK ruled out by the Python) shortened to its first and last rows and a count.
    func condensed(_ core: [Constraint]) -> [Reason] {
        var out: [Reason] = []
        var run: [Constraint] = []
        func flush() {
            if run.count > 4 {
                let package = run[0].text.prefix { $0 != " " }
                out.append(reason(run[0]))
                out.append(Reason(source: kb.matrix.file, text: "… \(run.count - 2) more rows of \(package) releases, each ruled out alike"))
                out.append(reason(run[run.count - 1]))
            } else {
                out += run.map(reason)
            }
            run = []
        }
        for c in core {
            if c.origin == .table, let last = run.last, last.text.prefix(while: { $0 != " " }) != c.text.prefix(while: { $0 != " " }) { flush() }
            if c.origin == .table { run.append(c) } else { flush(); out.append(reason(c)) }
        }
        flush()
        return out
    }

    /// A request taken out while keeping the indices of the others: it asks for nothing.
    static func dropped(_ r: Request) -> Request { Request(.systemPackages([]), source: r.source, text: "") }

    private func constraintIndex(request i: Int) -> Int {
        enc.constraints.firstIndex { $0.origin == .request(i) }!
    }

    /// The variable a request pins and the domain index it asked for, for the nearest-value search.
    private func nearTarget(_ r: Request) -> (variable: ResolverVariable, index: Int)? {
        switch r.kind {
        case .package(let name, let spec, _, _):
            guard let v = enc.variable(.package(name)) else { return nil }
            let wanted = v.values.indices.filter { !v.values[$0].isNone && v.values[$0].pep.map(spec.contains) == true }
            return wanted.first.map { (v.id, $0) }
        case .cuda(let c):
            guard let v = enc.variable(.cudaToolkit), let i = v.index(ofLabel: c.truncated(to: 2).text) else { return nil }
            return (.cudaToolkit, i)
        case .python(let p):
            guard let v = enc.variable(.python), let i = v.index(ofLabel: p.truncated(to: 2).text) else { return nil }
            return (.python, i)
        case .cudnn(let c):
            guard let v = enc.variable(.cudnn), let i = v.index(ofLabel: c.truncated(to: 1).text) else { return nil }
            return (.cudnn, i)
        default:
            return nil
        }
    }

    /// Resolves the edited requests from scratch; what they resolve to (each framework, the
    /// Python, the CUDA), or nil if they still conflict (then the correction is not offered).
    private func verify(_ requests: [Request]) -> [(variable: ResolverVariable, value: ChosenValue)]? {
        guard let session = try? Session(kb: kb, requests: requests) else { return nil }
        let leads = Set(kb.frameworks.map(\.lead))
        let shown = Set([ResolverVariable.python, .cuda] + leads.map { .package($0) })
        guard let steps = session.optimize(session.allLiterals, until: shown) else { return nil }
        return steps.filter { step in
            guard !step.variable.values[step.chosen].isNone else { return false }
            switch step.variable.id {
            case .python, .cuda: return true
            case .package(let p): return leads.contains(p)
            default: return false
            }
        }.map { ($0.variable.id, $0.variable.values[$0.chosen].typed) }
    }
}

/// How a request is rewritten to a new value: the edit as data, and the request it becomes.
struct Edit {
    let edit: RequestEdit
    let request: Request?

    static func removable(_ r: Request) -> Bool {
        switch r.kind {
        // A flag's change already is its removal from the fleet.
        case .cuda, .cudnn, .wheelIndex, .constraint: return true
        default: return false
        }
    }

    /// The variables whose choices `change` reads for `r`: the search for its nearest value
    /// need go no further.
    static func reads(_ r: Request) -> Set<ResolverVariable> {
        switch r.kind {
        case .python: [.python]
        case .cuda: [.cudaToolkit]
        case .cudnn: [.cudnn]
        case .package(let name, _, _, _): [.package(name), .cuda]
        default: []
        }
    }

    static func change(_ r: Request, steps: [Session.Step], kb: KnowledgeBase) -> Edit? {
        func chosen(_ id: ResolverVariable) -> Variable.Value? {
            steps.first { $0.variable.id == id }.map { $0.variable.values[$0.chosen] }
        }
        let text = { (edit: RequestEdit) in CorrectionRenderer.requestText(edit) ?? "" }
        switch r.kind {
        case .gpu(let on):
            let e = RequestEdit.setGPU(!on)
            return Edit(edit: e, request: Request(.gpu(!on), source: r.source, text: text(e)))
        case .python:
            guard let p = chosen(.python)?.dotted else { return nil }
            let e = RequestEdit.setPython(p)
            return Edit(edit: e, request: Request(.python(p), source: r.source, text: text(e)))
        case .cuda(let old):
            // The pin asks for the image's toolkit.
            guard let c = chosen(.cudaToolkit), let d = c.dotted else { return nil }
            let e = RequestEdit.setCUDA(d, was: old)
            return Edit(edit: e, request: Request(.cuda(d), source: r.source, text: text(e)))
        case .cudnn:
            guard let c = chosen(.cudnn), let d = c.dotted else { return nil }
            let e = RequestEdit.setCuDNN(d)
            return Edit(edit: e, request: Request(.cudnn(d), source: r.source, text: text(e)))
        case .package(let name, let spec, let local, let extras):
            // A package a block asks for on every model (the cog SDK) is no request of the
            // user's to change or take out.
            guard r.explicit, let v = chosen(.package(name)) else { return nil }
            if v.isNone { return Edit(edit: .removePackage, request: nil) }
            guard let version = v.pep else { return nil }
            var newLocal: String?
            if local != nil {
                // The variant label of the chosen CUDA: the table's, or the label convention.
                let cuda = chosen(.cuda)?.dotted
                newLocal = kb.matrix.rows(of: name).first { $0.version == version && $0.fits(cuda: cuda) }?.variant
                    ?? cuda.map { "cu\($0.major)\($0.minor)" } ?? "cpu"
            }
            let e = RequestEdit.setPackage(name: name, version: version, local: newLocal, was: spec.exactPin)
            return Edit(edit: e, request: Request(.package(name: name, spec: PEP440SpecifierSet("==\(version)")!, local: newLocal, extras: extras),
                                                  source: r.source, text: text(e)))
        case .driver, .computeCapability:
            return Edit(edit: .dropFleetMember, request: nil)
        case .systemPackages, .runCommand, .runSets, .runWord, .configKey, .availableBaseImages, .wheelIndex, .constraint, .unreachableIndexes, .prereleases:
            return nil
        }
    }
}

extension RequestEdit {
    /// True for edits that take the request out rather than change it.
    var removes: Bool {
        switch self {
        case .remove, .removePackage, .dropFleetMember: true
        default: false
        }
    }
}

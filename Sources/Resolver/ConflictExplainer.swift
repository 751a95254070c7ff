import Rules

extension Session {
    /// A minimal core of clashing requests and rules, and the smallest sets of request edits that
    /// make the problem resolve, each checked by resolving the edited requests again.
    func conflict(_ literals: [Z3Context.Term]) -> Conflict {
        let core = minimalCore([], among: literals)
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
                guard solver.check(relaxed) == .sat else { continue }
                found = true
                // What the user wrote stays named; facts of the machine (the engine's images) go without saying.
                let stays = coreRequests.filter { !subset.contains($0) && enc.requests[$0].explicit }.map { enc.requests[$0].text }
                let staysText = stays.isEmpty ? "" : " (\(stays.joined(separator: ", ")) stays)"
                // Change each request to the nearest value that resolves.
                var changes: [Correction.Change] = []
                var edited = enc.requests
                var words: [String] = []
                var ok = true
                for i in subset {
                    let r = enc.requests[i]
                    let near = nearTarget(r)
                    let steps = optimize(relaxed, near: near)
                    guard let edit = Edit.change(r, steps: steps) else { ok = false; break }
                    changes.append(.init(source: r.source.description, from: r.text, to: edit.request == nil ? nil : edit.text))
                    words.append(edit.verb)
                    edited[i] = edit.request ?? Self.dropped(r)
                }
                if ok, let text = verify(edited) {
                    corrections.append(Correction(text: words.joined(separator: " and ") + staysText + text, changes: changes))
                }
                // Dropping a single request outright, when that means something different from changing it.
                if subset.count == 1, let i = subset.first, Edit.removable(enc.requests[i]) {
                    let r = enc.requests[i]
                    var withoutIt = enc.requests
                    withoutIt[i] = Self.dropped(r)
                    if let text = verify(withoutIt),
                       !corrections.contains(where: { $0.changes == [.init(source: r.source.description, from: r.text, to: nil)] }) {
                        corrections.append(Correction(text: "remove \(r.text) at \(r.source)" + staysText + text,
                                                      changes: [.init(source: r.source.description, from: r.text, to: nil)]))
                    }
                }
            }
        }
        return Conflict(core: core.map(reason), corrections: corrections)
    }

    /// A request taken out while keeping the indices of the others: it asks for nothing.
    static func dropped(_ r: Request) -> Request { Request(.systemPackages([]), source: r.source, text: "") }

    private func constraintIndex(request i: Int) -> Int {
        enc.constraints.firstIndex { $0.origin == .request(i) }!
    }

    /// The variable a request pins and the domain index it asked for, for the nearest-value search.
    private func nearTarget(_ r: Request) -> (variable: String, index: Int)? {
        switch r.kind {
        case .package(let name, let spec, _):
            guard let v = enc.variable(name) else { return nil }
            let wanted = v.values.indices.filter { !v.values[$0].isNone && v.values[$0].pep.map(spec.contains) == true }
            return wanted.first.map { (name, $0) }
        case .cuda(let c):
            guard let v = enc.variable("cuda"), let i = v.index(ofLabel: c.truncated(to: 2).text) else { return nil }
            return ("cuda", i)
        case .python(let p):
            guard let v = enc.variable("python"), let i = v.index(ofLabel: p.truncated(to: 2).text) else { return nil }
            return ("python", i)
        case .cudnn(let c):
            guard let v = enc.variable("cudnn"), let i = v.index(ofLabel: c.truncated(to: 1).text) else { return nil }
            return ("cudnn", i)
        default:
            return nil
        }
    }

    /// Resolves the edited requests from scratch; the summary of what they resolve to, or nil if
    /// they still conflict (then the correction is not offered).
    private func verify(_ requests: [Request]) -> String? {
        guard let session = try? Session(kb: kb, requests: requests) else { return nil }
        let lits = session.allLiterals
        guard session.solver.check(lits) == .sat else { return nil }
        let steps = session.optimize(lits)
        let shown = ["torch", "tensorflow", "python", "cuda"]
        let summary = steps.filter { shown.contains($0.variable.name) && !$0.variable.values[$0.chosen].isNone }
            .map { "\($0.variable.name) \($0.variable.values[$0.chosen].label)" }
        return summary.isEmpty ? "" : ": resolves to " + summary.joined(separator: ", ")
    }
}

/// How a request is rewritten to a new value, in the words a user would use.
struct Edit {
    let text: String
    let verb: String
    let request: Request?

    static func removable(_ r: Request) -> Bool {
        switch r.kind {
        // A flag's change already is its removal from the fleet.
        case .cuda, .cudnn, .wheelIndex, .constraint: return true
        default: return false
        }
    }

    static func change(_ r: Request, steps: [Session.Step]) -> Edit? {
        func chosen(_ name: String) -> Variable.Value? {
            steps.first { $0.variable.name == name }.map { $0.variable.values[$0.chosen] }
        }
        switch r.kind {
        case .gpu(let on):
            return Edit(text: "gpu: \(!on)", verb: "set gpu: \(!on) (\(r.source))",
                        request: Request(.gpu(!on), source: r.source, text: "gpu: \(!on)"))
        case .python:
            guard let p = chosen("python")?.dotted else { return nil }
            return Edit(text: "python_version: \"\(p.text)\"", verb: "set python_version: \"\(p.text)\" (\(r.source))",
                        request: Request(.python(p), source: r.source, text: "python_version: \"\(p.text)\""))
        case .cuda(let old):
            guard let c = chosen("cuda"), let d = c.dotted else { return nil }
            return Edit(text: "cuda: \"\(d.text)\"", verb: "set cuda: \"\(d.text)\" at \(r.source) (was \(old.text))",
                        request: Request(.cuda(d), source: r.source, text: "cuda: \"\(d.text)\""))
        case .cudnn:
            guard let c = chosen("cudnn"), let d = c.dotted else { return nil }
            return Edit(text: "cudnn: \"\(d.text)\"", verb: "set cudnn: \"\(d.text)\" (\(r.source))",
                        request: Request(.cudnn(d), source: r.source, text: "cudnn: \"\(d.text)\""))
        case .package(let name, let spec, let local):
            guard let v = chosen(name) else { return nil }
            if v.isNone { return Edit(text: "", verb: "remove \(r.text) (\(r.source))", request: nil) }
            guard let version = v.pep else { return nil }
            var newLocal: String?
            if local != nil {
                if let cuda = chosen("cuda"), let d = cuda.dotted { newLocal = "cu\(d.major)\(d.minor)" } else { newLocal = "cpu" }
            }
            let text = "\(name)==\(version)" + (newLocal.map { "+\($0)" } ?? "")
            let old = spec.exactPin
            let verb: String
            if let old, version.public_ > old.public_ { verb = "raise \(name) to \(version)" }
            else if let old, version.public_ < old.public_ { verb = "lower \(name) to \(version)" }
            else { verb = "change \(r.text) to \(text)" }
            return Edit(text: text, verb: verb + " (\(r.source))",
                        request: Request(.package(name: name, spec: PEP440SpecifierSet("==\(version)")!, local: newLocal),
                                         source: r.source, text: text))
        case .driver(let d):
            return Edit(text: "", verb: "drop --driver \(d.text) from the fleet", request: nil)
        case .computeCapability(let a):
            return Edit(text: "", verb: "drop --gpu \(a) from the fleet", request: nil)
        case .systemPackages, .runCommand, .availableBaseImages, .wheelIndex, .constraint:
            return nil
        }
    }
}

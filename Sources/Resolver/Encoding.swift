import Rules

/// The Z3 model of one resolution problem: variables with finite domains, the requests and rules
/// as tracked constraint groups, and the untracked structure (domain bounds, presence).
final class Encoding {
    let z3 = Z3Context()
    let solver: Z3Solver
    let kb: KnowledgeBase
    let requests: [Request]
    private(set) var variables: [String: Variable] = [:]
    private(set) var order: [String] = []
    private(set) var constraints: [Constraint] = []
    let gpu: Z3Context.Term
    let toolkit: Z3Context.Term
    /// Normalized names of every package a requirement names.
    let requestedPackages: Set<String>
    /// Requests that are wrong in themselves (an unknown GPU architecture): reported as input errors.
    private(set) var inputErrors: [InputError] = []

    static let tabledPackages = ["torch", "torchvision", "torchaudio", "tensorflow"]

    init(kb: KnowledgeBase, requests: [Request]) {
        self.kb = kb
        self.requests = requests
        solver = Z3Solver(z3)
        gpu = z3.boolVar("gpu")
        toolkit = z3.boolVar("cuda_toolkit")
        requestedPackages = Set(requests.compactMap(\.packageName))
        buildVariables()
        encodeStructure()
        encodeRequests()
        encodeTables()
        encodeRules()
        encodeBaseImages()
    }

    func variable(_ name: String) -> Variable? { variables[name] }
    func term(_ name: String) -> Z3Context.Term { variables[name]!.term }

    var pinPackages: [String] {
        Array(Set(kb.matrix.torchPins.map(\.package) + kb.rules.compactMap { r -> String? in
            if case .pin = r.consequence { return r.when.package }
            return nil
        }).filter { requestedPackages.contains($0) && !Self.tabledPackages.contains($0) }).sorted()
    }

    // MARK: - variables

    private func add(_ name: String, optional: Bool, _ values: [Variable.Value]) {
        var vs = values
        if optional { vs.insert(.init(label: "none", rank: [-1], isNone: true), at: 0) }
        let v = Variable(name: name, values: vs, optional: optional, term: z3.intVar(name))
        variables[name] = v
        order.append(name)
        solver.assert(z3.and([z3.le(z3.int(0), v.term), z3.le(v.term, z3.int(vs.count - 1))]))
    }

    private func pepValues(_ known: [PEP440Version], package: String) -> [Variable.Value] {
        var values = known.map { Variable.Value(label: $0.description, rank: $0.rank, pep: $0) }
        // A pinned version the tables lack still gets a value, so that a CPU build can go on
        // (with a warning) and a GPU build can say precisely what is missing.
        for r in requests {
            guard case .package(let name, let spec, _) = r.kind, name == package, let pin = spec.exactPin?.public_,
                  !known.contains(pin) else { continue }
            if !values.contains(where: { $0.pep == pin }) {
                values.append(.init(label: pin.description, rank: pin.rank, unknown: true, pep: pin))
            }
        }
        return values.sorted { $0.rank.lexicographicallyPrecedes($1.rank) }
    }

    private func buildVariables() {
        let m = kb.matrix
        var pythons = Set(m.pythons)
        for img in kb.catalog.images { if let p = img.python { pythons.insert(p) } }
        for r in requests { if case .python(let v) = r.kind { pythons.insert(v.truncated(to: 2)) } }
        add("python", optional: false, pythons.sorted().map { .init(label: $0.text, rank: $0.rank, dotted: $0) })

        add("torch", optional: true, pepValues(m.torchVersions, package: "torch"))
        add("torchvision", optional: true, pepValues(m.companionVersions("torchvision"), package: "torchvision"))
        add("torchaudio", optional: true, pepValues(m.companionVersions("torchaudio"), package: "torchaudio"))
        add("tensorflow", optional: true, pepValues(m.tensorflowVersions, package: "tensorflow"))
        for package in pinPackages {
            var known = Set(m.torchPins.filter { $0.package == package }.map(\.version))
            for r in kb.rules where r.when.package == package {
                if case .pin = r.consequence, let v = r.when.version?.exactPin { known.insert(v) }
            }
            add(package, optional: true, pepValues(known.sorted(), package: package))
        }

        var cudas = Set(m.cudaMinors)
        for r in requests { if case .cuda(let v) = r.kind { cudas.insert(v.truncated(to: 2)) } }
        add("cuda", optional: true, cudas.sorted().map { .init(label: $0.text, rank: $0.rank, dotted: $0) })

        var cudnns = Set<DottedVersion>()
        for img in kb.catalog.images { if let c = img.cudnn { cudnns.insert(c.truncated(to: 1)) } }
        for row in m.tensorflow { cudnns.insert(row.cudnn.truncated(to: 1)) }
        for r in requests { if case .cudnn(let v) = r.kind { cudnns.insert(v.truncated(to: 1)) } }
        add("cudnn", optional: true, cudnns.sorted().map { .init(label: $0.text, rank: $0.rank, dotted: $0) })

        let oses = Set(kb.catalog.images.map(\.os)).sorted { osRank($0).lexicographicallyPrecedes(osRank($1)) }
        add("os", optional: false, oses.map { .init(label: $0, rank: osRank($0)) })

        add("base_image", optional: false, kb.catalog.images.map {
            .init(label: $0.reference, rank: [-$0.sizeMB] + ($0.cuda?.parts ?? []) + osRank($0.os), image: $0)
        })

        let floors = Set(m.toolkitDrivers.map(\.driver) + m.compatDrivers.map(\.driver)).sorted()
        add("driver_min", optional: true, floors.map { .init(label: $0.text, rank: $0.rank, dotted: $0) })
    }

    /// ubuntu22.04 → [1, 22, 4]; debian12 → [0, 12]: only used to break ties deterministically.
    private func osRank(_ os: String) -> [Int] {
        let digits = os.drop { !$0.isNumber }
        let parts = digits.split(separator: ".").compactMap { Int($0) }
        return [os.hasPrefix("ubuntu") ? 1 : 0] + parts
    }

    // MARK: - helpers

    func present(_ name: String) -> Z3Context.Term {
        guard let v = variables[name] else { return z3.no }
        return z3.not(z3.eq(v.term, 0))
    }

    func isNone(_ name: String) -> Z3Context.Term {
        guard let v = variables[name] else { return z3.yes }
        return z3.eq(v.term, 0)
    }

    func among(_ name: String, _ predicate: (Variable.Value) -> Bool) -> Z3Context.Term {
        let v = variables[name]!
        return z3.among(v.term, v.index(where: predicate))
    }

    @discardableResult
    func track(_ origin: Constraint.Origin, _ source: Provenance, _ text: String, _ formula: Z3Context.Term) -> Constraint {
        let lit = z3.boolVar("t\(constraints.count)")
        solver.assert(z3.implies(lit, formula))
        let c = Constraint(origin: origin, source: source, text: text, literal: lit, id: z3.id(of: lit))
        constraints.append(c)
        return c
    }

    // MARK: - structure

    private func encodeStructure() {
        // A package the user did not ask for is absent; torch alone may also come in as what a
        // requested torchvision, torchaudio or pinned package is built against.
        for name in Self.tabledPackages + pinPackages where !requestedPackages.contains(name) {
            if name == "torch" {
                let dependents = ["torchvision", "torchaudio"] + pinPackages
                solver.assert(z3.implies(present("torch"), z3.or(dependents.map(present))))
            } else {
                solver.assert(isNone(name))
            }
        }
        // A model without GPU has no CUDA, no cuDNN from a GPU stack and no driver floor.
        solver.assert(z3.implies(z3.not(gpu), z3.and([isNone("cuda"), isNone("driver_min")])))
        solver.assert(z3.implies(gpu, z3.and([present("cuda"), present("driver_min")])))
        solver.assert(z3.implies(isNone("cuda"), isNone("cudnn")))
    }

    // MARK: - requests

    private func encodeRequests() {
        for (i, r) in requests.enumerated() {
            switch r.kind {
            case .gpu(let on):
                track(.request(i), r.source, r.text, on ? gpu : z3.not(gpu))
            case .python(let v):
                track(.request(i), r.source, r.text, among("python") { $0.dotted == v.truncated(to: 2) })
            case .package(let name, let spec, let local):
                guard variables[name] != nil else { continue }
                var parts = [among(name) { !$0.isNone && $0.pep.map(spec.contains) == true }]
                if let local { parts.append(variant(local)) }
                track(.request(i), r.source, r.text, z3.and(parts))
            case .constraint(let name, let spec, let local):
                guard variables[name] != nil else { continue }
                var parts = [among(name) { $0.isNone || $0.pep.map(spec.contains) == true }]
                if let local { parts.append(z3.implies(present(name), variant(local))) }
                track(.request(i), r.source, r.text, z3.and(parts))
            case .wheelIndex(let url):
                // Only an index the tables know: any other serves packages the resolver does not model.
                let rows = kb.matrix.torch.filter { Self.index($0.index, covers: url) }
                guard !rows.isEmpty else { continue }
                let cudas = Set(rows.map(\.cuda))
                let allowed = z3.or(cudas.map { c in c.map { v in among("cuda") { $0.dotted == v.truncated(to: 2) } } ?? isNone("cuda") })
                track(.request(i), r.source, "\(r.text): the \(Set(rows.map(\.variant)).sorted().joined(separator: ", ")) wheels (\(rows[0].source))",
                      // A CPU build runs a CUDA wheel fine: only a GPU build is held to the variant.
                      z3.implies(z3.and([present("torch"), gpu]), allowed))
            case .cuda(let v):
                var parts = [among("cuda") { $0.dotted == v.truncated(to: 2) }]
                if v.parts.count > 2 {
                    parts.append(among("base_image") { $0.image?.cuda.map(v.isPrefix(of:)) ?? true })
                }
                track(.request(i), r.source, r.text, z3.and(parts))
            case .cudnn(let v):
                track(.request(i), r.source, r.text, among("cudnn") { $0.dotted == v.truncated(to: 1) })
            case .driver(let d):
                track(.request(i), r.source, r.text, among("driver_min") { $0.isNone || $0.dotted! <= d })
            case .computeCapability(let arch):
                guard let row = kb.matrix.computeCapabilities.first(where: { $0.arch == arch }) else {
                    let known = kb.matrix.computeCapabilities.map(\.arch).joined(separator: ", ")
                    inputErrors.append(InputError(r.source, "unknown GPU architecture '\(arch)'; known: \(known) (\(kb.matrix.file))"))
                    continue
                }
                let f = z3.and([
                    among("torch") { $0.isNone || $0.pep! >= row.torchMin },
                    among("cuda") { $0.isNone || $0.dotted! >= row.cudaMin },
                ])
                track(.request(i), r.source, "\(r.text): \(row.gpus) need torch >= \(row.torchMin) and CUDA >= \(row.cudaMin) (\(row.source))", f)
            case .systemPackages, .runCommand:
                continue
            case .availableBaseImages(let refs, let offline):
                var parts = [among("base_image") { v in v.image.map { refs.contains($0.reference) } ?? false }]
                if offline, let base = variables["base_image"], variables["python"] != nil {
                    // Each usable image fixes the Python to the one it ships.
                    for (index, value) in base.values.enumerated() {
                        guard let image = value.image, refs.contains(image.reference) else { continue }
                        let shipped = image.python.map { p in among("python") { $0.dotted == p.truncated(to: 2) } } ?? z3.no
                        parts.append(z3.implies(z3.eq(base.term, index), shipped))
                    }
                }
                track(.request(i), r.source, r.text, z3.and(parts))
            }
        }
    }

    /// What a wheel variant label asks: `cpu` no CUDA, `cu118` CUDA 11.8.
    private func variant(_ local: String) -> Z3Context.Term {
        if local == "cpu" { return isNone("cuda") }
        if let cuda = Self.cudaOfVariant(local) { return among("cuda") { $0.dotted == cuda } }
        return z3.yes
    }

    /// Whether `url` (an index or a links page) is the wheel index `index` of the tables or a page
    /// under it (`…/whl/cu113/torch_stable.html`); case, a trailing `/` and `/simple` do not matter.
    static func index(_ index: String, covers url: String) -> Bool {
        func clean(_ s: String) -> String {
            var t = s.lowercased()
            while t.hasSuffix("/") { t.removeLast() }
            if t.hasSuffix("/simple") { t.removeLast("/simple".count) }
            return t
        }
        let i = clean(index), u = clean(url)
        return u == i || u.hasPrefix(i + "/")
    }

    /// `cu118` → 11.8, `cu121` → 12.1, `cu130` → 13.0.
    static func cudaOfVariant(_ label: String) -> DottedVersion? {
        guard label.hasPrefix("cu"), label.count >= 5, let n = Int(label.dropFirst(2)) else { return nil }
        return DottedVersion(parts: [n / 10, n % 10])
    }

    // MARK: - tables

    private func list(_ xs: [DottedVersion]) -> String { xs.map(\.text).joined(separator: ", ") }

    private func encodeTables() {
        let m = kb.matrix
        let torch = variables["torch"]!
        for t in m.torchVersions {
            let rows = m.torch.filter { $0.torch == t }
            let isT = z3.eq(torch.term, torch.index(ofLabel: t.description)!)
            let pythons = Array(Set(rows.flatMap(\.pythons))).sorted()
            track(.table, rows[0].source, "torch \(t) has wheels for Python \(list(pythons))",
                  z3.implies(isT, among("python") { v in pythons.contains(v.dotted!) }))
            let cudas = rows.compactMap(\.cuda).sorted()
            track(.table, rows[0].source, "torch \(t) has wheels for CUDA \(list(cudas))",
                  z3.implies(z3.and([isT, gpu]), among("cuda") { v in v.dotted.map(cudas.contains) == true }))
        }
        for (i, v) in torch.values.enumerated() where v.unknown {
            track(.table, Provenance(file: m.file, line: nil),
                  "torch \(v.label) is not in \(m.file), so which CUDA its wheels use is unknown; refresh the data with `cogpack data refresh`",
                  z3.implies(z3.and([z3.eq(torch.term, i), gpu]), z3.no))
        }
        for package in ["torchvision", "torchaudio"] {
            let tv = variables[package]!
            for row in m.companions where row.package == package {
                let isC = z3.eq(tv.term, tv.index(ofLabel: row.version.description)!)
                track(.table, row.source, "\(package) \(row.version) is built for torch \(row.torch) and Python \(list(row.pythons))",
                      z3.implies(isC, z3.and([
                          among("torch") { $0.pep == row.torch },
                          among("python") { v in row.pythons.contains(v.dotted!) },
                      ])))
            }
            for (i, v) in tv.values.enumerated() where v.unknown {
                track(.table, Provenance(file: m.file, line: nil),
                      "\(package) \(v.label) is not in \(m.file), so the torch it pairs with is unknown; refresh the data with `cogpack data refresh`",
                      z3.implies(z3.and([z3.eq(tv.term, i), gpu]), z3.no))
            }
        }
        let tf = variables["tensorflow"]!
        for row in m.tensorflow {
            let isV = z3.eq(tf.term, tf.index(ofLabel: row.tensorflow.description)!)
            track(.table, row.source, "tensorflow \(row.tensorflow) has wheels for Python \(list(row.pythons))",
                  z3.implies(isV, among("python") { v in row.pythons.contains(v.dotted!) }))
            track(.table, row.source, "tensorflow \(row.tensorflow) is built for CUDA \(row.cuda) and cuDNN \(row.cudnn)",
                  z3.implies(z3.and([isV, gpu]), z3.and([
                      among("cuda") { $0.dotted == row.cuda.truncated(to: 2) },
                      among("cudnn") { $0.dotted == row.cudnn.truncated(to: 1) },
                  ])))
        }
        for (i, v) in tf.values.enumerated() where v.unknown {
            track(.table, Provenance(file: m.file, line: nil),
                  "tensorflow \(v.label) is not in \(m.file), so its CUDA is unknown; refresh the data with `cogpack data refresh`",
                  z3.implies(z3.and([z3.eq(tf.term, i), gpu]), z3.no))
        }
        for pin in m.torchPins where variables[pin.package] != nil {
            let pv = variables[pin.package]!
            guard let idx = pv.index(ofLabel: pin.version.description) else { continue }
            track(.table, pin.source, "\(pin.package) \(pin.version) requires torch==\(pin.torch)",
                  z3.implies(z3.eq(pv.term, idx), among("torch") { $0.pep == pin.torch }))
        }
    }

    // MARK: - rules

    /// The condition of a rule as a formula over the variables.
    func condition(_ c: Condition) -> Z3Context.Term {
        var parts: [Z3Context.Term] = []
        if let g = c.gpu { parts.append(g ? gpu : z3.not(gpu)) }
        if let p = c.package {
            if variables[p] != nil {
                let spec = c.version
                parts.append(among(p) { !$0.isNone && (spec == nil || ($0.pep.map { spec!.contains($0) } ?? false)) })
            } else {
                parts.append(requestedPackages.contains(p) ? z3.yes : z3.no)
            }
        }
        if let pinned = c.cudaPinned {
            let has = requests.contains { if case .cuda = $0.kind { return true } else { return false } }
            parts.append(has == pinned ? z3.yes : z3.no)
        }
        for name in c.without {
            parts.append(variables[name] != nil ? isNone(name) : (requestedPackages.contains(name) ? z3.no : z3.yes))
        }
        if let cmd = c.command {
            let called = requests.contains { if case .runCommand(cmd) = $0.kind { return true } else { return false } }
            parts.append(called ? z3.yes : z3.no)
        }
        if let rc = c.baseSetsRequireCuda {
            parts.append(among("base_image") { $0.image?.setsRequireCuda == rc })
        }
        return z3.and(parts)
    }

    private func encodeRules() {
        let m = kb.matrix
        for rule in kb.rules {
            let when = condition(rule.when)
            switch rule.consequence {
            case .apt:
                continue // chosen outside the solver: they depend on requested names only
            case .pin(let package, let spec):
                guard variables[package] != nil else { continue }
                track(.rule(rule.id), rule.source, rule.message,
                      z3.implies(when, among(package) { !$0.isNone && $0.pep.map(spec.contains) == true }))
            case .python(let spec):
                track(.rule(rule.id), rule.source, rule.message,
                      z3.implies(when, among("python") { v in
                          PEP440Version(v.dotted!.text).map(spec.contains) ?? false
                      }))
            case .needsToolkit:
                track(.rule(rule.id), rule.source, rule.message, z3.implies(when, toolkit))
            case .driverFloor(let floor):
                let cuda = variables["cuda"]!
                var parts: [Z3Context.Term] = []
                for (i, v) in cuda.values.enumerated() where !v.isNone {
                    let d: DottedVersion?
                    switch floor {
                    case .compat: d = m.compatDriver(for: v.dotted!)?.driver ?? m.toolkitDriver(for: v.dotted!)?.driver
                    case .toolkit: d = m.toolkitDriver(for: v.dotted!)?.driver ?? m.compatDriver(for: v.dotted!)?.driver
                    }
                    guard let d else {
                        parts.append(z3.not(z3.eq(cuda.term, i)))
                        continue
                    }
                    parts.append(z3.implies(z3.eq(cuda.term, i), among("driver_min") { $0.dotted == d }))
                }
                track(.rule(rule.id), rule.source, rule.message, z3.implies(z3.and([gpu, when]), z3.and(parts)))
            }
        }
    }

    // MARK: - base images

    private func encodeBaseImages() {
        let base = variables["base_image"]!
        // Untracked: what each image is. A conflict then names the rule that needed the image.
        for (i, v) in base.values.enumerated() {
            let img = v.image!
            var parts = [among("os") { $0.label == img.os }]
            if let c = img.cuda {
                parts.append(among("cuda") { $0.dotted == c.truncated(to: 2) })
                parts.append(among("cudnn") { $0.dotted == img.cudnn?.truncated(to: 1) })
            } else {
                // Without a CUDA image, cuDNN comes only with TensorFlow's wheels.
                parts.append(z3.implies(isNone("tensorflow"), isNone("cudnn")))
            }
            solver.assert(z3.implies(z3.eq(base.term, i), z3.and(parts)))
        }
        track(.rule("cuda.toolkit"), kb.catalog.source,
              "a build that needs a CUDA toolkit needs a devel CUDA base image of the chosen CUDA",
              z3.implies(toolkit, among("base_image") { $0.image?.cuda != nil && $0.image?.flavor == "devel" }))
    }
}

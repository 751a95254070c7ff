import Foundation
import Rules

/// The Z3 model of one resolution problem: variables with finite domains, the requests and rules
/// as tracked constraint groups, and the untracked structure (domain bounds, presence).
final class Encoding {
    let z3 = Z3Context.make()
    let solver: Z3Solver
    let kb: KnowledgeBase
    let requests: [Request]
    private(set) var variables: [ResolverVariable: Variable] = [:]
    private(set) var order: [ResolverVariable] = []
    private(set) var constraints: [Constraint] = []
    let gpu: Z3Context.Term
    /// The image needs a CUDA toolkit (a rule says so); which one is the `cuda_toolkit` variable.
    let toolkit: Z3Context.Term
    /// Some present package's GPU wheels bring their own CUDA runtime (data: brings_cuda_runtime).
    private(set) var wheelsRuntime: Z3Context.Term
    /// …and their own cuDNN (those rows name one).
    private(set) var wheelsCuDNN: Z3Context.Term
    /// Normalized names of every package a requirement names.
    let requestedPackages: Set<String>
    /// The packages this problem has a variable for: those requested that the tables or the pin
    /// rules know, and what their rows and pin rules require, transitively. Sorted.
    let packages: [String]
    /// For each package in scope, the packages whose rows or pin rules require it: the only way
    /// it comes into a build the user did not ask it in.
    let dependents: [String: [String]]
    /// Requests that are wrong in themselves (an unknown GPU architecture): reported as input errors.
    private(set) var inputErrors: [InputError] = []

    init(kb: KnowledgeBase, requests: [Request]) {
        self.kb = kb
        self.requests = requests
        solver = Z3Solver(z3)
        gpu = z3.boolVar("gpu")
        toolkit = z3.boolVar("needs_cuda_toolkit")
        wheelsRuntime = z3.no
        wheelsCuDNN = z3.no
        requestedPackages = Set(requests.compactMap(\.packageName))
        (packages, dependents) = Self.scope(kb: kb, requested: requestedPackages)
        buildVariables()
        wheelsRuntime = runtimeFromWheels(except: nil)
        wheelsCuDNN = z3.or(packages.flatMap { package in
            kb.matrix.releases(of: package).filter { release in
                release.rows.contains { $0.bringsCUDARuntime && $0.cudnn != nil }
            }.compactMap { isVersion(package, $0.version) }
        })
        encodeStructure()
        encodeRequests()
        encodeTables()
        encodeIndexReleases()
        encodeRules()
        encodeBaseImages()
    }

    func variable(_ id: ResolverVariable) -> Variable? { variables[id] }
    func term(_ id: ResolverVariable) -> Z3Context.Term { variables[id]!.term }

    /// Requested packages the tables or pin rules know, closed over what their rows and pin rules
    /// require; and who requires whom.
    static func scope(kb: KnowledgeBase, requested: Set<String>) -> ([String], [String: [String]]) {
        var edges: [String: Set<String>] = [:]
        for row in kb.matrix.packages { for r in row.requires { edges[row.package, default: []].insert(r.package) } }
        var pinned = Set<String>()
        for rule in kb.rules {
            guard case .pin(let target, _) = rule.consequence, let p = rule.when.package else { continue }
            edges[p, default: []].insert(target)
            pinned.insert(p)
        }
        let known = Set(kb.matrix.packageNames).union(pinned)
        var inScope = Set<String>()
        var queue = requested.filter(known.contains).sorted()
        while let p = queue.popLast() {
            guard inScope.insert(p).inserted else { continue }
            queue += (edges[p] ?? []).filter { !inScope.contains($0) }
        }
        var dependents: [String: [String]] = [:]
        for p in inScope { for q in edges[p] ?? [] where inScope.contains(q) { dependents[q, default: []].append(p) } }
        return (inScope.sorted(), dependents.mapValues { $0.sorted() })
    }

    // MARK: - variables

    private func add(_ id: ResolverVariable, optional: Bool, _ values: [Variable.Value]) {
        var vs = values
        if optional { vs.insert(.init(label: "none", rank: [-1], isNone: true), at: 0) }
        let v = Variable(id: id, values: vs, optional: optional, term: z3.indexVar(id.name, domain: vs.count))
        variables[id] = v
        order.append(id)
        // Indices past the domain, where its width holds more; an empty domain allows nothing.
        if vs.isEmpty {
            solver.assert(z3.no)
        } else if vs.count < 1 << Z3Context.width(vs.count) {
            solver.assert(z3.le(v.term, z3.int(vs.count - 1, like: v.term)))
        }
    }

    private func pepValues(_ known: [PEP440Version], package: String) -> [Variable.Value] {
        var values = known.map { Variable.Value(label: $0.description, rank: $0.rank, pep: $0) }
        // A pinned version the tables lack still gets a value, so that a CPU build can go on
        // (with a warning) and a GPU build can say precisely what is missing.
        for r in requests {
            guard case .package(let name, let spec, _, _) = r.kind, name == package, let pin = spec.exactPin?.public_,
                  !known.contains(pin) else { continue }
            if !values.contains(where: { $0.pep == pin }) {
                values.append(.init(label: pin.description, rank: pin.rank, unknown: true, pep: pin))
            }
        }
        // Pre-releases the package index published, where they are allowed: releases the tables
        // lack, checked like a pin of one (`encodeIndexReleases`).
        if requests.contains(where: { if case .prereleases(package) = $0.kind { true } else { false } }) {
            for release in kb.matrix.indexReleases(of: package) where release.version.isPrerelease && !values.contains(where: { $0.pep == release.version }) {
                values.append(.init(label: release.version.description, rank: release.version.rank, unknown: true, pep: release.version))
            }
        }
        return values.sorted { $0.rank.lexicographicallyPrecedes($1.rank) }
    }

    private func buildVariables() {
        let m = kb.matrix
        var pythons = Set(m.pythons)
        for img in kb.catalog.images { if let p = img.python { pythons.insert(p) } }
        for r in requests { if case .python(let v) = r.kind { pythons.insert(v.truncated(to: 2)) } }
        add(.python, optional: false, pythons.sorted().map { .init(label: $0.text, rank: $0.rank, dotted: $0) })

        for package in packages {
            // Releases a pin rule is about count as known: the rule is the knowledge.
            var known = Set(m.versions(of: package))
            for r in kb.rules where r.when.package == package {
                if case .pin = r.consequence, let v = r.when.version?.exactPin { known.insert(v) }
            }
            add(.package(package), optional: true, pepValues(known.sorted(), package: package))
        }

        // The runtime CUDA and the image's toolkit share one domain, so that the two can be compared.
        var cudas = Set(m.cudaMinors)
        for r in requests { if case .cuda(let v) = r.kind { cudas.insert(v.truncated(to: 2)) } }
        add(.cuda, optional: true, cudas.sorted().map { .init(label: $0.text, rank: $0.rank, dotted: $0) })
        add(.cudaToolkit, optional: true, cudas.sorted().map { .init(label: $0.text, rank: $0.rank, dotted: $0) })

        var cudnns = Set<DottedVersion>()
        for img in kb.catalog.images { if let c = img.cudnn { cudnns.insert(c.truncated(to: 1)) } }
        for package in packages { for row in m.rows(of: package) { if let c = row.cudnn { cudnns.insert(c.truncated(to: 1)) } } }
        for r in requests { if case .cudnn(let v) = r.kind { cudnns.insert(v.truncated(to: 1)) } }
        add(.cudnn, optional: true, cudnns.sorted().map { .init(label: $0.text, rank: $0.rank, dotted: $0) })

        let oses = Set(kb.catalog.images.map(\.os)).sorted { osRank($0).lexicographicallyPrecedes(osRank($1)) }
        add(.os, optional: false, oses.map { .init(label: $0, rank: osRank($0)) })

        add(.baseImage, optional: false, kb.catalog.images.map {
            .init(label: $0.reference, rank: [-$0.sizeMB] + ($0.cuda?.parts ?? []) + osRank($0.os), image: $0)
        })

        let floors = Set(m.toolkitDrivers.map(\.driver) + m.compatDrivers.map(\.driver)).sorted()
        add(.driverMin, optional: true, floors.map { .init(label: $0.text, rank: $0.rank, dotted: $0) })
    }

    /// ubuntu22.04 → [1, 22, 4]; debian12 → [0, 12]: only used to break ties deterministically.
    private func osRank(_ os: String) -> [Int] {
        let digits = os.drop { !$0.isNumber }
        let parts = digits.split(separator: ".").compactMap { Int($0) }
        return [os.hasPrefix("ubuntu") ? 1 : 0] + parts
    }

    // MARK: - helpers

    /// `package` is at `version` (nil when the package has no variable or no such value).
    func isVersion(_ package: String, _ version: PEP440Version) -> Z3Context.Term? {
        guard let v = variables[.package(package)], let i = v.index(of: version) else { return nil }
        return z3.eq(v.term, i)
    }

    /// Some present package other than `except` is at a release whose GPU wheels bring their own
    /// CUDA runtime.
    func runtimeFromWheels(except: String?) -> Z3Context.Term {
        z3.or(packages.filter { $0 != except }.flatMap { runtimeReleases[$0] ?? [] })
    }

    /// For each package in scope, "it is at a release whose GPU wheels bring their own CUDA
    /// runtime", one term per such release; the table rows ask for it once per row.
    private lazy var runtimeReleases: [String: [Z3Context.Term]] = Dictionary(uniqueKeysWithValues: packages.map { package in
        (package, kb.matrix.releases(of: package).filter { release in
            release.rows.contains { $0.cuda != nil && $0.bringsCUDARuntime }
        }.compactMap { isVersion(package, $0.version) })
    })

    /// The runtime CUDA and the toolkit have the same CUDA major.
    func sameMajor() -> Z3Context.Term {
        let t = variables[.cudaToolkit]!
        return z3.or(t.values.enumerated().filter { !$0.element.isNone }.map { i, tv in
            z3.and([z3.eq(t.term, i), among(.cuda) { $0.dotted?.major == tv.dotted!.major }])
        })
    }

    func present(_ id: ResolverVariable) -> Z3Context.Term {
        guard let v = variables[id] else { return z3.no }
        return z3.not(z3.eq(v.term, 0))
    }

    func isNone(_ id: ResolverVariable) -> Z3Context.Term {
        guard let v = variables[id] else { return z3.yes }
        return z3.eq(v.term, 0)
    }

    func among(_ id: ResolverVariable, _ predicate: (Variable.Value) -> Bool) -> Z3Context.Term {
        let v = variables[id]!
        return z3.among(v.term, v.index(where: predicate))
    }

    /// `package` is absent or at a version in `versions`; a package without a variable is absent.
    func absentOrWithin(_ package: String, _ versions: PEP440SpecifierSet) -> Z3Context.Term {
        guard variables[.package(package)] != nil else { return z3.yes }
        return among(.package(package)) { $0.isNone || $0.pep.map(versions.contains) == true }
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
        // A package the user did not ask for is absent, unless a present package requires it (torch
        // comes in as what a requested torchvision is built against).
        for name in packages where !requestedPackages.contains(name) {
            let by = dependents[name] ?? []
            solver.assert(by.isEmpty ? isNone(.package(name)) : z3.implies(present(.package(name)), z3.or(by.map { present(.package($0)) })))
        }
        // A model without GPU has no CUDA, no cuDNN from a GPU stack and no driver floor.
        solver.assert(z3.implies(z3.not(gpu), z3.and([isNone(.cuda), isNone(.cudaToolkit), isNone(.driverMin)])))
        solver.assert(z3.implies(gpu, z3.and([present(.cuda), present(.driverMin)])))
        solver.assert(z3.implies(isNone(.cuda), isNone(.cudnn)))
        // Code runs on the CUDA runtime the wheels bring; without such wheels, on the image's toolkit.
        track(.rule("cuda.runtime-from-toolkit"), Provenance(file: Framework.file, line: nil),
              "without wheels that bring their own CUDA runtime (brings_cuda_runtime), the code runs on the image's CUDA toolkit",
              z3.implies(z3.and([present(.cudaToolkit), z3.not(wheelsRuntime)]), z3.eq(term(.cuda), term(.cudaToolkit))))
    }

    // MARK: - requests

    private func encodeRequests() {
        for (i, r) in requests.enumerated() {
            switch r.kind {
            case .gpu(let on):
                track(.request(i), r.source, r.text, on ? gpu : z3.not(gpu))
            case .python(let v):
                track(.request(i), r.source, r.text, among(.python) { $0.dotted == v.truncated(to: 2) })
            case .package(let name, let spec, let local, let extras):
                guard variables[.package(name)] != nil else { continue }
                var parts = [among(.package(name)) { !$0.isNone && $0.pep.map(spec.contains) == true }]
                if let local { parts.append(variant(local, of: name)) }
                // An extra that installs one variant's GPU libraries (`jax[cuda12]`) asks for that
                // variant on a GPU build; a CPU build runs it fine without a GPU.
                for extra in extras where Self.extraNamesVariant(extra, of: name, kb: kb) {
                    parts.append(z3.implies(gpu, variant(extra, of: name)))
                }
                track(.request(i), r.source, r.text, z3.and(parts))
            case .constraint(let name, let spec, let local):
                guard variables[.package(name)] != nil else { continue }
                var parts = [absentOrWithin(name, spec)]
                if let local { parts.append(z3.implies(present(.package(name)), variant(local, of: name))) }
                track(.request(i), r.source, r.text, z3.and(parts))
            case .wheelIndex(let url):
                // Only an index the tables know: any other serves packages the resolver does not model.
                let rows = kb.matrix.packages.filter { row in row.index.map { Self.index($0, covers: url) } ?? false }
                var parts: [Z3Context.Term] = []
                for package in Set(rows.map(\.package)).sorted() {
                    guard let v = variables[.package(package)] else { continue }
                    // The index decides the release and its variant: one it serves, built for the
                    // chosen CUDA. A release pinned exactly that the index lacks is what pip then
                    // finds on the package index, and is allowed (with a warning). A CPU build runs
                    // a CUDA wheel fine: only a GPU build is held to the variant.
                    let served = Set(rows.filter { $0.package == package }.map(\.version))
                    var options: [Z3Context.Term] = []
                    for version in served.sorted() {
                        guard let index = v.index(of: version) else { continue }
                        let these = rows.filter { $0.package == package && $0.version == version }
                        options.append(z3.and([z3.eq(v.term, index), among(.cuda) { c in these.contains { $0.fits(cuda: c.dotted) } }]))
                    }
                    for pin in exactPins(package) where !served.contains(pin) {
                        if let index = v.index(of: pin) { options.append(z3.eq(v.term, index)) }
                    }
                    parts.append(z3.implies(z3.and([present(.package(package)), gpu]), z3.or(options)))
                }
                guard !parts.isEmpty else { continue }
                let variants = Set(rows.compactMap(\.variant)).sorted().joined(separator: ", ")
                track(.request(i), r.source, "\(r.text): the \(variants) wheels (\(rows[0].source))", z3.and(parts))
            case .cuda(let v):
                // The toolkit in the image; the wheels may bring another runtime. Without a GPU
                // the pin is ignored (with a warning), as Cog ignores it.
                var parts = [among(.cudaToolkit) { $0.dotted == v.truncated(to: 2) }]
                if v.parts.count > 2 {
                    parts.append(among(.baseImage) { $0.image?.cuda.map(v.isPrefix(of:)) ?? true })
                }
                track(.request(i), r.source, r.text, z3.implies(gpu, z3.and(parts)))
            case .cudnn(let v):
                // The cuDNN the code uses, and the one of the CUDA image when there is one.
                let want = v.truncated(to: 1)
                track(.request(i), r.source, r.text, z3.implies(gpu, z3.and([
                    among(.cudnn) { $0.dotted == want },
                    among(.baseImage) { $0.image?.cuda == nil || $0.image?.cudnn?.truncated(to: 1) == want },
                ])))
            case .driver(let d):
                track(.request(i), r.source, r.text, among(.driverMin) { $0.isNone || $0.dotted! <= d })
            case .computeCapability(let arch):
                guard let row = kb.matrix.computeCapabilities.first(where: { $0.arch == arch }) else {
                    let known = kb.matrix.computeCapabilities.map(\.arch).joined(separator: ", ")
                    inputErrors.append(InputError(r.source, "unknown GPU architecture '\(arch)'; known: \(known) (\(kb.matrix.file))"))
                    continue
                }
                let f = z3.and(row.requires.map { absentOrWithin($0.package, $0.versions) } + [
                    among(.cuda) { $0.isNone || $0.dotted! >= row.cudaMin },
                ])
                let needs = row.requires.map { "\($0.package) \($0.versions)" } + ["CUDA >= \(row.cudaMin)"]
                track(.request(i), r.source, "\(r.text): \(row.gpus) need \(needs.joined(separator: " and ")) (\(row.source))", f)
            case .systemPackages, .runCommand, .runSets, .runWord, .configKey, .prereleases:
                continue
            case .unreachableIndexes(let hosts):
                let blocked = Set(hosts)
                var parts: [Z3Context.Term] = []
                for package in packages where m(package).contains(where: { !Self.installable($0, unreachable: blocked) }) {
                    guard let v = variables[.package(package)] else { continue }
                    for version in kb.matrix.versions(of: package) {
                        let rows = m(package).filter { $0.version == version && Self.installable($0, unreachable: blocked) }
                        let isV = z3.eq(v.term, v.index(of: version)!)
                        // On a GPU build, a variant whose wheels can be fetched; on a CPU build,
                        // any fetchable wheel of the release (a CUDA wheel runs on a CPU).
                        parts.append(z3.implies(z3.and([isV, gpu]), among(.cuda) { c in rows.contains { $0.cuda != nil && $0.fits(cuda: c.dotted) } }))
                        if rows.isEmpty { parts.append(z3.not(isV)) }
                    }
                }
                guard !parts.isEmpty else { continue }
                track(.request(i), r.source, r.text, z3.and(parts))
            case .availableBaseImages(let refs, let offline):
                var parts = [among(.baseImage) { v in v.image.map { refs.contains($0.reference) } ?? false }]
                if offline, let base = variables[.baseImage] {
                    // Each usable image fixes the Python to the one it ships.
                    for (index, value) in base.values.enumerated() {
                        guard let image = value.image, refs.contains(image.reference) else { continue }
                        let shipped = image.python.map { p in among(.python) { $0.dotted == p.truncated(to: 2) } } ?? z3.no
                        parts.append(z3.implies(z3.eq(base.term, index), shipped))
                    }
                }
                track(.request(i), r.source, r.text, z3.and(parts))
            }
        }
    }

    /// What a wheel variant label asks: the CUDA of the package's rows of that variant; for a
    /// package whose rows have no variants, the label convention (`cpu` no CUDA, `cu118` 11.8).
    private func variant(_ local: String, of package: String) -> Z3Context.Term {
        let rows = kb.matrix.rows(of: package).filter { $0.variant == local }
        if !rows.isEmpty {
            return among(.cuda) { v in rows.contains { $0.fits(cuda: v.dotted) } }
        }
        if local == "cpu" { return isNone(.cuda) }
        if let cuda = Self.cudaOfVariant(local) { return among(.cuda) { $0.dotted == cuda } }
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

    private func m(_ package: String) -> [PackageRow] { kb.matrix.rows(of: package) }

    /// The releases requirements pin exactly (`torch==2.4.0`).
    func exactPins(_ package: String) -> [PEP440Version] {
        requests.compactMap { r in
            if case .package(package, let spec, _, _) = r.kind { return spec.exactPin?.public_ }
            return nil
        }
    }

    /// Whether a row's wheels can be fetched when `unreachable` hosts do not answer: the package
    /// index's own variant always can (it is reachable, or nothing installs at all).
    static func installable(_ row: PackageRow, unreachable: Set<String>) -> Bool {
        guard let index = row.extraIndex, let host = URL(string: index)?.host else { return true }
        return !unreachable.contains(host)
    }

    /// The requirements name an index or links page besides the package index.
    var namesOtherIndexes: Bool {
        requests.contains { if case .wheelIndex = $0.kind { true } else { false } }
    }

    /// Hosts the requests say do not answer.
    var unreachableHosts: Set<String> {
        Set(requests.flatMap { r -> [String] in if case .unreachableIndexes(let h) = r.kind { return h } else { return [] } })
    }

    /// Whether `extra` is the GPU extra of one of the package's variants (`{variant}` extras).
    static func extraNamesVariant(_ extra: String, of package: String, kb: KnowledgeBase) -> Bool {
        guard let template = kb.framework(of: package)?.gpuExtra?.extra, template.contains("{variant}") else { return false }
        return kb.matrix.rows(of: package).contains { $0.variant.map { template.replacingOccurrences(of: "{variant}", with: $0) } == extra }
    }

    /// `cu118` → 11.8, `cu121` → 12.1, `cu130` → 13.0.
    static func cudaOfVariant(_ label: String) -> DottedVersion? {
        guard label.hasPrefix("cu"), label.count >= 5, let n = Int(label.dropFirst(2)) else { return nil }
        return DottedVersion(parts: [n / 10, n % 10])
    }

    // MARK: - tables

    private func list(_ xs: [DottedVersion]) -> String { xs.map(\.text).joined(separator: ", ") }

    /// Every row of every package in scope, in one loop: the Pythons a release has wheels for,
    /// the CUDA (and cuDNN) its variants are built for, the releases of other packages it needs.
    private func encodeTables() {
        let m = kb.matrix
        for package in packages {
            guard let v = variables[.package(package)] else { continue }
            let rows = m.rows(of: package)
            let byCUDA = m.isCUDAVariant(package)
            for (version, these) in m.releases(of: package) {
                let isV = z3.eq(v.term, v.index(of: version)!)
                let source = these[0].source
                let listed = these.compactMap(\.pythons)
                if !listed.isEmpty {
                    let pythons = Array(Set(listed.joined())).sorted()
                    track(.table, source, "\(package) \(version) has wheels for Python \(list(pythons))",
                          z3.implies(isV, among(.python) { pythons.contains($0.dotted!) }))
                }
                if byCUDA {
                    let gpuRows = these.filter { $0.cuda != nil }
                    let options = gpuRows.flatMap { row -> [Z3Context.Term] in
                        var parts = [among(.cuda) { !$0.isNone && row.fits(cuda: $0.dotted) }]
                        if let c = row.cudnn { parts.append(among(.cudnn) { $0.dotted == c.truncated(to: 1) }) }
                        // Wheels that load CUDA from the system need the image's toolkit to match.
                        if !row.bringsCUDARuntime { parts.append(among(.cudaToolkit) { !$0.isNone && row.fits(cuda: $0.dotted) }) }
                        var out = [z3.and(parts)]
                        // One wheel for every CUDA (no variants) that brings its runtime also runs on
                        // the runtime another package's wheels bring, of the same major.
                        if row.bringsCUDARuntime, row.variant == nil, let c = row.cuda {
                            var shared = [among(.cuda) { $0.dotted?.major == c.major }, runtimeFromWheels(except: package)]
                            if let d = row.cudnn { shared.append(among(.cudnn) { $0.dotted == d.truncated(to: 1) }) }
                            out.append(z3.and(shared))
                        }
                        return out
                    }
                    // `12.1+`: any later CUDA 12 minor too.
                    var seen = Set<String>()
                    let cudas = gpuRows.sorted { $0.cuda! < $1.cuda! }.map { $0.cuda!.text + ($0.minorCompatible ? "+" : "") }
                        .filter { seen.insert($0).inserted }.joined(separator: ", ")
                    let cudnns = Array(Set(gpuRows.compactMap(\.cudnn))).sorted()
                    let text = cudnns.isEmpty ? "\(package) \(version) has wheels for CUDA \(cudas)"
                        : "\(package) \(version) is built for CUDA \(cudas) and cuDNN \(list(cudnns))"
                    track(.table, gpuRows.first?.source ?? source, gpuRows.isEmpty ? "\(package) \(version) has no CUDA wheels" : text,
                          z3.implies(z3.and([isV, gpu]), z3.or(options)))
                }
                // A requirement every variant of the release shares.
                for req in Set(these.flatMap(\.requires)) where these.allSatisfy({ $0.requires.contains(req) }) {
                    guard variables[.package(req.package)] != nil else { continue }
                    track(.table, source, "\(package) \(version) requires \(req.package)\(req.versions)",
                          z3.implies(isV, among(.package(req.package)) { !$0.isNone && $0.pep.map(req.versions.contains) == true }))
                }
            }
            // A release the tables lack: fine on a CPU build (with a warning). On a GPU build, a
            // package whose wheels are built per CUDA installs the package index's default wheel,
            // whose CUDA is taken to be that of the nearest release the tables know (with a
            // warning); when no release has a wheel on the package index, or for a package
            // installed with a framework, which release of the framework it pairs with, the
            // release is refused: guessing the variant index or the pairing would break the install.
            let pairsWith = Array(Set(rows.flatMap(\.requires).map(\.package))).sorted()
            guard byCUDA || (kb.framework(of: package) != nil && !pairsWith.isEmpty) else { continue }
            for (i, value) in v.values.enumerated() where value.unknown {
                let isValue = z3.and([z3.eq(v.term, i), gpu])
                if byCUDA, let version = value.pep, let assumed = m.assumedRows(of: package, for: version) {
                    let options = assumed.rows.map { row -> Z3Context.Term in
                        var parts = [among(.cuda) { !$0.isNone && row.fits(cuda: $0.dotted) }]
                        if let c = row.cudnn { parts.append(among(.cudnn) { $0.dotted == c.truncated(to: 1) }) }
                        return z3.and(parts)
                    }
                    let cudas = Array(Set(assumed.rows.map { $0.cuda!.text + ($0.minorCompatible ? "+" : "") })).sorted().joined(separator: " or ")
                    track(.table, assumed.rows[0].source,
                          "\(package) \(value.label) is not in \(m.file): a GPU build installs the package index's default wheel, "
                            + "taken to be built for CUDA \(cudas) as that of \(assumed.release), the nearest release the data knows",
                          z3.implies(isValue, z3.or(options)))
                    continue
                }
                let why = byCUDA ? "which CUDA its wheels use is unknown"
                    : "the \(pairsWith.joined(separator: " and ")) release it pairs with is unknown"
                track(.table, Provenance(file: m.file, line: nil),
                      "\(package) \(value.label) is not in \(m.file), so \(why); refresh the data with `cogpack data refresh`",
                      z3.implies(isValue, z3.no))
            }
        }
    }

    /// A pinned release the tables lack, checked against the package index's releases as the
    /// data recorded them: one never published is refused (pip would fail at install), one
    /// published runs only on the Pythons of its wheels. Requirements that name another index
    /// or a links page may get it from there: then nothing is assumed.
    private func encodeIndexReleases() {
        let m = kb.matrix
        guard !namesOtherIndexes else { return }
        for package in packages {
            guard let v = variables[.package(package)] else { continue }
            for (i, value) in v.values.enumerated() where value.unknown {
                guard let version = value.pep else { continue }
                let isValue = z3.eq(v.term, i)
                switch m.status(of: package, version) {
                case .unrecorded, .newerThanData:
                    continue
                case .released(let release):
                    guard let pythons = release.pythons else { continue }
                    let text = pythons.isEmpty ? "\(package) \(version) has no wheel for a Python cogpack builds (3.6 or later) on the package index"
                        : "\(package) \(version) has wheels for Python \(list(pythons)) on the package index"
                    track(.table, release.source, text, z3.implies(isValue, among(.python) { pythons.contains($0.dotted!) }))
                case .neverReleased(let near):
                    let host = m.index.flatMap { URL(string: $0.url)?.host } ?? "the package index"
                    let around = near.isEmpty ? "" : " (its releases nearest to it: \(near.map(\.description).joined(separator: ", ")))"
                    track(.table, m.index?.source ?? Provenance(file: m.file, line: nil),
                          "\(host) has no Linux x86_64 wheel of \(package) \(version)\(around)", z3.implies(isValue, z3.no))
                }
            }
        }
    }

    // MARK: - rules

    /// The condition of a rule as a formula over the variables.
    func condition(_ c: Condition) -> Z3Context.Term {
        var parts: [Z3Context.Term] = []
        if let g = c.gpu { parts.append(g ? gpu : z3.not(gpu)) }
        if let p = c.package {
            if variables[.package(p)] != nil {
                let spec = c.version
                parts.append(among(.package(p)) { !$0.isNone && (spec == nil || ($0.pep.map { spec!.contains($0) } ?? false)) })
            } else {
                parts.append(requestedPackages.contains(p) ? z3.yes : z3.no)
            }
        }
        if let pinned = c.cudaPinned {
            let has = requests.contains { if case .cuda = $0.kind { return true } else { return false } }
            parts.append(has == pinned ? z3.yes : z3.no)
        }
        for name in c.without {
            parts.append(variables[.package(name)] != nil ? isNone(.package(name)) : (requestedPackages.contains(name) ? z3.no : z3.yes))
        }
        for clause in modelClauses(c) {
            parts.append(requests.contains { clause($0.kind) } ? z3.yes : z3.no)
        }
        if let rc = c.baseSetsRequireCuda {
            parts.append(among(.baseImage) { $0.image?.setsRequireCuda == rc })
        }
        return z3.and(parts)
    }

    /// Where the model wrote what makes a rule's condition on cog.yaml hold (the `run:` line that
    /// calls nvcc, the key that is set), so that a rule in a conflict names the model's line too.
    private func triggers(_ c: Condition) -> String {
        let clauses = modelClauses(c)
        var sources: [Provenance] = []
        for r in requests where clauses.contains(where: { $0(r.kind) }) && !sources.contains(r.source) {
            sources.append(r.source)
        }
        return sources.isEmpty ? "" : " (\(sources.map(\.description).joined(separator: ", ")))"
    }

    /// The clauses of a condition on what the model's cog.yaml says (a program a `run:` line
    /// calls, a variable it sets, a word among its arguments, a key that is set), each as the test
    /// a request must pass: `condition` needs a request for every clause, `triggers` names them.
    private func modelClauses(_ c: Condition) -> [(Request.Kind) -> Bool] {
        var clauses: [(Request.Kind) -> Bool] = []
        if let cmd = c.command { clauses.append { if case .runCommand(cmd) = $0 { true } else { false } } }
        if let name = c.runSets { clauses.append { if case .runSets(name) = $0 { true } else { false } } }
        if let word = c.runWord { clauses.append { if case .runWord(word) = $0 { true } else { false } } }
        if let key = c.configKey { clauses.append { if case .configKey(key) = $0 { true } else { false } } }
        return clauses
    }

    private func encodeRules() {
        let m = kb.matrix
        for rule in kb.rules {
            let message = rule.message + triggers(rule.when)
            let when = condition(rule.when)
            switch rule.consequence {
            case .apt:
                continue // chosen outside the solver: they depend on requested names only
            case .pin(let package, let spec):
                guard variables[.package(package)] != nil else { continue }
                track(.rule(rule.id), rule.source, message,
                      z3.implies(when, among(.package(package)) { !$0.isNone && $0.pep.map(spec.contains) == true }))
            case .python(let spec):
                track(.rule(rule.id), rule.source, message,
                      z3.implies(when, among(.python) { v in
                          PEP440Version(v.dotted!.text).map(spec.contains) ?? false
                      }))
            case .needsToolkit:
                track(.rule(rule.id), rule.source, message, z3.implies(when, toolkit))
            case .driverFloor(let floor):
                // The compat floor is the runtime's (the wheels' CUDA); the toolkit floor, the
                // image's toolkit's. The driver must clear every floor that applies.
                let cuda = variables[floor == .compat ? .cuda : .cudaToolkit]!
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
                    parts.append(z3.implies(z3.eq(cuda.term, i), among(.driverMin) { $0.dotted.map { $0 >= d } ?? false }))
                }
                track(.rule(rule.id), rule.source, message, z3.implies(z3.and([gpu, when]), z3.and(parts)))
            case .toolkitMatchesWheelsMajor:
                // Compiling needs the toolkit, of the wheels' CUDA major.
                track(.rule(rule.id), rule.source, message,
                      z3.implies(z3.and([gpu, when]), z3.and([toolkit, present(.cudaToolkit), sameMajor()])))
            case .prefer:
                continue // a default for an objective, not a constraint
            }
        }
    }

    // MARK: - base images

    private func encodeBaseImages() {
        let base = variables[.baseImage]!
        // Packages whose wheels name a cuDNN bring it themselves.
        let bringCuDNN = packages.filter { kb.matrix.rows(of: $0).contains { $0.cudnn != nil } }
        // Untracked: what each image is. A conflict then names the rule that needed the image.
        for (i, v) in base.values.enumerated() {
            let img = v.image!
            var parts = [among(.os) { $0.label == img.os }]
            if let c = img.cuda {
                parts.append(among(.cudaToolkit) { $0.dotted == c.truncated(to: 2) })
                // The image's cuDNN, unless the wheels bring their own.
                parts.append(z3.or([among(.cudnn) { $0.dotted == img.cudnn?.truncated(to: 1) }, wheelsCuDNN]))
            } else {
                parts.append(isNone(.cudaToolkit))
                // Without a CUDA image, cuDNN comes only with wheels that bring their own.
                parts.append(z3.implies(z3.and(bringCuDNN.map { isNone(.package($0)) }), isNone(.cudnn)))
            }
            solver.assert(z3.implies(z3.eq(base.term, i), z3.and(parts)))
        }
        track(.rule("cuda.toolkit"), kb.catalog.source,
              "a build that needs a CUDA toolkit needs a devel CUDA base image (its CUDA is the toolkit's)",
              z3.implies(toolkit, among(.baseImage) { $0.image?.cuda != nil && $0.image?.flavor == "devel" }))
    }
}

import DataRefresh
import Foundation
import Rules

/// What `cogpack rules lint` checks beyond what loading checks: knowledge that loads but can
/// never matter. Each problem names its file and line and what to do.
public struct RulesLint: Sendable {
    public let kb: KnowledgeBase

    public init(kb: KnowledgeBase) { self.kb = kb }

    /// Loads the knowledge under `root` (every file, going on past bad ones) and lints it.
    public static func run(root: URL) -> [InputError] {
        let (kb, problems) = KnowledgeBase.loadAll(root: root)
        guard let kb else { return problems }
        return (problems + RulesLint(kb: kb).problems() + staleData(kb, root: root)).sorted { $0.source < $1.source }
    }

    /// A data file older than its sources: a file it was made from has changed since.
    static func staleData(_ kb: KnowledgeBase, root: URL) -> [InputError] {
        kb.matrix.inputs.compactMap { input in
            let now = try? InputDigest.sha256(of: root.appendingPathComponent(input.path))
            guard now != input.digest else { return nil }
            return InputError(input.source, "\(kb.matrix.file) was made from another \(input.path) than the one here (\(input.digest.prefix(19))…, now \(now.map { String($0.prefix(19)) + "…" } ?? "missing")); run `cogpack data refresh`")
        }
    }

    public func problems() -> [InputError] {
        (objectives() + rows() + rules() + capabilities()).sorted { $0.source < $1.source }
    }

    /// Packages that have a resolver variable when a model needs them: rows, or pin rules.
    private var modelled: Set<String> {
        var out = Set(kb.matrix.packageNames)
        for rule in kb.rules { if case .pin = rule.consequence, let p = rule.when.package { out.insert(p) } }
        return out
    }

    private var knownPythons: Set<DottedVersion> { Set(kb.knownPythons) }

    private func objectives() -> [InputError] {
        kb.objectives.compactMap { o in
            guard let p = o.variable.package, !modelled.contains(p) else { return nil }
            return InputError(o.source, "objective '\(o.id)' is about '\(p)', which is no resolver variable (no row of \(kb.matrix.file) and no pin rule names it); fix the name or remove the objective")
        }
    }

    private func rows() -> [InputError] {
        var out: [InputError] = []
        let floors = Set(kb.matrix.toolkitDrivers.map { $0.cuda.truncated(to: 2) })
        let majors = Set(kb.matrix.compatDrivers.map(\.cudaMajor))
        for row in kb.matrix.packages {
            let what = "\(row.package) \(row.version)" + (row.variant.map { " (\($0))" } ?? "")
            if let pythons = row.pythons, !pythons.contains(where: { knownPythons.contains($0.truncated(to: 2)) }) {
                out.append(InputError(row.source, "\(what) can never be chosen: none of its Pythons (\(pythons.map(\.text).joined(separator: ", "))) is a Python the tables or base images know"))
            }
            if let cuda = row.cuda, !floors.contains(cuda.truncated(to: 2)), !majors.contains(cuda.major) {
                out.append(InputError(row.source, "\(what) can never be chosen on a GPU build: no driver row covers CUDA \(cuda.text); add its toolkit or compatibility driver"))
            }
            for req in row.requires {
                let versions = kb.matrix.versions(of: req.package)
                if versions.isEmpty {
                    if !modelled.contains(req.package) {
                        out.append(InputError(row.source, "\(what) requires \(req), a package no row or pin rule knows; add its rows or drop the requirement"))
                    }
                } else if !versions.contains(where: req.versions.contains) {
                    out.append(InputError(row.source, "\(what) can never be chosen: it requires \(req), which no row has"))
                }
            }
        }
        return out
    }

    private func rules() -> [InputError] {
        var out: [InputError] = []
        for rule in kb.rules {
            let w = rule.when
            if let key = w.configKey, kb.cogYAML.key(key) == nil {
                out.append(InputError(rule.source, "rule '\(rule.id)' can never fire: '\(key)' is not a cog.yaml key of \(CogYAMLSchema.file)"))
            }
            if let p = w.package, w.without.contains(p) {
                out.append(InputError(rule.source, "rule '\(rule.id)' can never fire: it asks for \(p) and for its absence"))
            }
            if let p = w.package, let spec = w.version, !kb.matrix.rows(of: p).isEmpty, spec.exactPin == nil,
               !kb.matrix.versions(of: p).contains(where: spec.contains) {
                out.append(InputError(rule.source, "rule '\(rule.id)' can never fire: no release of \(p) in \(kb.matrix.file) is \(spec)"))
            }
            switch rule.consequence {
            case .needsToolkit, .driverFloor, .toolkitMatchesWheelsMajor, .prefer:
                if w.gpu == false {
                    out.append(InputError(rule.source, "rule '\(rule.id)' can never matter: it is about CUDA, and its condition says gpu: false"))
                }
            case .python(let spec):
                if !knownPythons.contains(where: { PEP440Version($0.text).map(spec.contains) ?? false }) {
                    out.append(InputError(rule.source, "rule '\(rule.id)' can never hold: no known Python is \(spec)"))
                }
            case .pin(let package, _):
                if !modelled.contains(package) {
                    out.append(InputError(rule.source, "rule '\(rule.id)' requires \(package), which no row or pin rule knows: the resolver has no variable for it"))
                }
            case .apt:
                break
            }
        }
        return out
    }

    private func capabilities() -> [InputError] {
        kb.matrix.computeCapabilities.flatMap { row in
            row.requires.compactMap { req -> InputError? in
                let versions = kb.matrix.versions(of: req.package)
                guard versions.isEmpty || !versions.contains(where: req.versions.contains) else { return nil }
                return InputError(row.source, "\(row.arch) requires \(req), which no row of \(kb.matrix.file) has")
            }
        }
    }
}

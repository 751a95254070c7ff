import Foundation
import Resolver
import Rules
import Schema

/// A Cog model folder, read once: cog.yaml and the requirements it names.
public struct Project: Sendable {
    public var directory: URL { folder.root }
    let folder: ModelFolder
    public let config: CogConfig
    public let requirements: RequirementsFile
    /// The files of cog.yaml's `weights:` entries that are in the model folder.
    public var weights: [WeightsFiles] = []
    /// What was accepted but read differently than written, for the command line to show.
    public var warnings: [InputWarning] { config.warnings + requirements.warnings + unconstrained }

    /// `kb` says which keys cog.yaml may hold and which Pythons and CUDA versions exist.
    public static func load(_ directory: URL, kb: KnowledgeBase) throws -> Project {
        try load(try ModelFolder(directory), kb: kb)
    }

    public static func load(_ folder: ModelFolder, kb: KnowledgeBase) throws -> Project {
        let config = try CogConfigParser.load(folder, kb: kb)
        for ref in [config.predict, config.train].compactMap({ $0 }) {
            try checkPythonFile(ref, in: folder)
        }
        var reqs = RequirementsFile()
        if let r = config.pythonRequirements {
            // Cog accepts an absolute path, when it is inside the model folder.
            reqs = try RequirementsParser.load(folder, path: r.value, from: r.source)
        }
        for p in config.pythonPackages {
            try RequirementsParser.entry(p.value, source: p.source, folder: folder, into: &reqs)
        }
        var project = Project(folder: folder, config: config, requirements: reqs)
        project.weights = try config.weights.map { try WeightsFiles.read($0, in: folder) }.filter { !$0.files.isEmpty }
        return project
    }

    /// The model's Python files, for the types a predictor imports from another file of it.
    public var pythonFiles: any ModelPythonFiles { folder }

    /// The text of the Python file `predict.py:Predictor` names, read as every file of the model
    /// is (inside the folder, a regular file of bounded size, UTF-8); `file` as written.
    public func pythonSource(_ ref: CogConfig.Located<String>) throws -> (file: String, text: String) {
        // `load` checked the file (relative, inside the folder, a regular file).
        let file = String(ref.value.prefix { $0 != ":" })
        guard let path = try folder.resolve(file, at: ref.source, what: "the Python file"),
              let text = try folder.text(path, at: ref.source, what: "the Python file") else {
            throw InputError(ref.source, "\(LineText.quoted(file)) does not exist in the model folder; create it or fix the file name before the ':'")
        }
        return (file, text)
    }

    /// `predict.py:Predictor` names a file of the model, relative to the folder (the image has it
    /// at /src): it must be there now, not when the image first starts.
    static func checkPythonFile(_ ref: CogConfig.Located<String>, in folder: ModelFolder) throws {
        let file = String(ref.value.prefix { $0 != ":" })
        guard !file.hasPrefix("/") else {
            throw InputError(ref.source, "\(LineText.quoted(file)) is an absolute path; write it relative to the model folder, e.g. \"predict.py:Predictor\"")
        }
        guard let path = try folder.resolve(file, at: ref.source, what: "the Python file"),
              try folder.entry(path).kind == .file else {
            throw InputError(ref.source, "\(LineText.quoted(file)) does not exist in the model folder; create it or fix the file name before the ':'")
        }
    }

    /// The requirement lines whose markers hold on the target (Linux, x86_64, the cog.yaml python);
    /// a line for macOS or another python asks nothing of this build.
    public var activeRequirements: [Requirement] { active(requirements.requirements) }

    /// The lines of `-c` files that hold on the target.
    public var activeConstraints: [Requirement] { active(requirements.constraints) }

    private func active(_ lines: [Requirement]) -> [Requirement] {
        guard let text = config.pythonVersion?.value, let python = DottedVersion(text) else { return lines }
        let env = Marker.Environment(python: python)
        return lines.filter { r in r.marker.flatMap(Marker.init)?.evaluate(env) ?? true }
    }

    /// URL, VCS and path requirements: the installer takes them as they are, and what they bring
    /// (their name, version and dependencies) is known only once built, so nothing here checks it.
    var unconstrained: [InputWarning] {
        activeRequirements.compactMap { r in
            let what: String
            switch r.origin {
            case .index: return nil
            case .url: what = "a URL"
            case .vcs, .localVCS: what = "a VCS"
            case .file, .directory: what = "a path"
            }
            let name = r.name.map { "\($0) comes from \(what) requirement" } ?? "\(what) requirement names its package only once built"
            return InputWarning(r.source, "\(name): installed as written, not constrained by the resolver (its version and dependencies are not checked)")
        }
    }

    /// What the user asks of the resolver: cog.yaml settings, requirement lines, and flags.
    public func requests(drivers: [DottedVersion] = [], gpus: [String] = []) -> [Request] {
        var out: [Request] = []
        let c = config
        if let g = c.gpu {
            out.append(Request(.gpu(g.value), source: g.source, text: "gpu: \(g.value)"))
        } else {
            out.append(Request(.gpu(false), source: Provenance(file: c.file, line: nil), text: "gpu: false (build.gpu not set)", explicit: false))
        }
        if let p = c.pythonVersion, let v = DottedVersion(p.value) {
            out.append(Request(.python(v), source: p.source, text: "python_version: \"\(p.value)\""))
        }
        if let cu = c.cuda, let v = DottedVersion(cu.value) {
            out.append(Request(.cuda(v), source: cu.source, text: "cuda: \"\(cu.value)\""))
        }
        if let cd = c.cudnn, let v = DottedVersion(cd.value) {
            out.append(Request(.cudnn(v), source: cd.source, text: "cudnn: \"\(cd.value)\""))
        }
        for r in activeRequirements {
            guard let name = r.name else { continue }
            out.append(Request(.package(name: name, spec: r.specifier, local: r.local, extras: r.extras), source: r.source, text: r.text))
        }
        for r in activeConstraints {
            guard let name = r.name else { continue }
            out.append(Request(.constraint(name: name, spec: r.specifier, local: r.local), source: r.source, text: "-c: " + r.text))
        }
        // An index of one wheel variant (download.pytorch.org/whl/cu118) fixes the variant of
        // what the tables say it serves; the resolver matches the URL against the tables.
        // A links folder of the model counts too: it may hold releases the package index lacks.
        for o in requirements.options {
            if let url = o.indexURL {
                out.append(Request(.wheelIndex(url), source: o.source, text: o.text))
            } else if case .findLinks(.local(let folder)) = o.kind {
                out.append(Request(.wheelIndex(folder), source: o.source, text: o.text))
            }
        }
        // What `run:` lines call: rules bring the Debian packages of those programs.
        for line in c.run {
            for program in ShellPrograms.programs(in: line.command) {
                out.append(Request(.runCommand(program), source: line.source, text: "run: \(line.command)"))
            }
            for name in ShellPrograms.assignments(in: line.command) {
                out.append(Request(.runSets(name), source: line.source, text: "run: \(line.command)"))
            }
            for word in ShellPrograms.arguments(in: line.command) {
                out.append(Request(.runWord(word), source: line.source, text: "run: \(line.command)"))
            }
        }
        // Keys rules may depend on; the request carries the line that sets it.
        // Concurrency above one changes how the model is served; one is the default.
        if let m = c.concurrencyMax, m.value > 1 {
            out.append(Request(.configKey("concurrency.max"), source: m.source, text: "concurrency: max: \(m.value)"))
        }
        if let s = c.systemPackages, !s.value.isEmpty {
            out.append(Request(.systemPackages(s.value), source: s.source, text: "system_packages: \(s.value.joined(separator: ", "))"))
        }
        for d in drivers { out.append(Request(.driver(d), source: .flag("--driver \(d)"), text: "--driver \(d)")) }
        for g in gpus { out.append(Request(.computeCapability(g), source: .flag("--gpu \(g)"), text: "--gpu \(g)")) }
        return out
    }
}

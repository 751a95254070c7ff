import Rules

/// What `cogpack lock` asks uv to resolve, from the model and the resolution: the framework's
/// packages at the resolved releases (with their GPU extra), the cog SDK at its release, the other
/// requirements as written; the framework and SDK pins and the `-c` lines as constraints; the
/// index options the build would use. Then the lock made of uv's answer.
public struct LockRequest: Sendable {
    public static let platform = "x86_64-manylinux_2_28"

    /// The requirements file to compile.
    public let requirements: String
    public let constraints: String
    /// Index options and flags, one option with its value an entry.
    public let options: [String]
    /// major.minor.
    public let python: String
    public let uvVersion: String
    public let choices: [LockChoice]
    public let inputs: [LockInput]
    /// The normalized names of the framework's packages, which the framework stage installs with
    /// what they require.
    public let frameworkPackages: [String]

    /// uv's arguments besides the files: the target, and the options.
    public var arguments: [String] {
        ["--python-version", python, "--python-platform", Self.platform] + options.flatMap { $0.split(separator: " ", maxSplits: 1).map(String.init) }
    }

    static func make(_ input: BlockInput, _ resolved: Resolved) throws -> LockRequest {
        let kb = input.kb
        let project = input.project
        var specs: [String] = []
        var frameworkIndexes: [String] = []
        var frameworkNames: [String] = []
        for framework in kb.frameworks {
            guard let one = FrameworkBlock.install(framework, resolved, input) else { continue }
            specs += one.specs
            frameworkIndexes += one.indexes.filter { !frameworkIndexes.contains($0) }
            frameworkNames += framework.packages.filter { resolved.resolution.package($0) != nil }.map(PackageName.normalize)
        }
        let cog = "\(CogRuntimeBlock.package)==\(try CogRuntimeBlock.version(resolved))"
        var files = GeneratedRequirements()
        for option in project.requirements.options {
            if case .findLinks(.local) = option.kind {
                throw InputError(option.source, "a --find-links folder of the model cannot be locked: its files are not on an index uv can record; leave the line out or build without `cogpack lock`")
            }
            try files.add(option, input)
        }
        for r in project.activeRequirements {
            guard r.origin == .index, !r.editable else {
                throw InputError(r.source, "\(LineText.quoted(r.text)) is not a requirement from a package index; cogpack locks only those: leave the line out or build without `cogpack lock`")
            }
            if let name = r.name, kb.framework(of: name) != nil || AppDepsBlock.managed.contains(name) { continue }
            try files.add(r, input)
        }
        var constraints = resolved.frameworkPins(kb) + [cog]
        for c in project.activeConstraints {
            guard let name = c.name, kb.framework(of: name) == nil, !AppDepsBlock.managed.contains(name) else { continue }
            constraints.append(GeneratedRequirements.line(c.text, hashes: c.hashes))
        }
        var options = files.options
        options += frameworkIndexes.map { "--extra-index-url \($0)" }.filter { !options.contains($0) }
        // As the requirements step: with more than one index, the best version among all, as pip.
        if files.indexSources + frameworkIndexes.count > 1 { options.append("--index-strategy unsafe-best-match") }
        guard let uv = kb.tool("uv") else { throw PlannerError.missingTool("uv") }
        return LockRequest(requirements: (specs + [cog] + files.requirements).map { $0 + "\n" }.joined(),
                           constraints: constraints.map { $0 + "\n" }.joined(), options: options, python: resolved.python,
                           uvVersion: uv.version.description, choices: try LockChoice.of(resolved, kb: kb), inputs: LockInput.of(project),
                           frameworkPackages: frameworkNames)
    }

    /// The lock of uv's answer: `compiled` (the requirements format) and the target's `hashes`
    /// (the pylock format). Each package goes with the framework when the framework needs it,
    /// else with the SDK when the SDK needs it, else with the other requirements.
    public func lock(_ compiled: [UvCompileOutput.Package], hashes: [String: [PackageHash]]) throws -> LockFile {
        let rank: [LockedPackage.Stage] = [.framework, .cog, .app]
        var stage: [String: Int] = [:]
        for p in compiled {
            stage[p.name] = frameworkPackages.contains(p.name) ? 0 : p.name == CogRuntimeBlock.package ? 1 : 2
        }
        // What a package needs joins its stage, or an earlier one: a fixed point over `via`.
        var moved = true
        while moved {
            moved = false
            for p in compiled {
                let best = p.via.compactMap { stage[$0] }.min() ?? 2
                if best < stage[p.name]! {
                    stage[p.name] = best
                    moved = true
                }
            }
        }
        let packages = try compiled.map { p in
            guard let h = hashes[p.name], !h.isEmpty else {
                throw InputError(.flag("uv pip compile"), "uv gave no hash of a file of \(p.name) \(p.version) for \(Self.platform) and Python \(python)")
            }
            return LockedPackage(name: p.name, version: p.version, hashes: h, stage: rank[stage[p.name]!], index: p.index)
        }
        return LockFile(platform: Self.platform, uv: uvVersion, choices: choices, options: options, inputs: inputs, packages: packages)
    }
}

import Resolver
import Rules

/// Each framework's packages (rules/frameworks.yaml) at the resolved releases, from the chosen
/// variant's wheel index and with its GPU extra, in a stage of their own: editing other
/// requirements never reinstalls them. Nothing here knows one framework from another.
struct FrameworkBlock: Block {
    let name = "framework"

    func detect(_ input: BlockInput) -> Bool { true }

    /// What to install for one framework: pinned specs, the extra index, and words for the stage name.
    struct Install: Equatable {
        var specs: [String] = []
        var indexes: [String] = []
        var why: [String] = []
    }

    static func install(_ framework: Framework, _ resolved: Resolved, _ input: BlockInput) -> Install? {
        let chosen = framework.packages.compactMap { resolved.resolution.package($0) }
        guard !chosen.isEmpty else { return nil }
        var out = Install()
        // The framework's own chosen row decides the variant; companions follow it.
        let lead = chosen.first { $0.name == framework.lead }
        for package in chosen {
            var extras = Set(input.project.activeRequirements.filter { $0.name == package.name }.flatMap(\.extras))
            // A release the tables lack takes the extra of the known row its CUDA is assumed from.
            if resolved.gpu, package.name == framework.lead, let row = package.row ?? package.assumed,
               let extra = framework.extra(for: row, version: package.version) {
                extras.insert(extra)
            }
            let extraText = extras.isEmpty ? "" : "[" + extras.sorted().joined(separator: ",") + "]"
            out.specs.append("\(package.name)\(extraText)==\(package.version)")
        }
        if let index = lead?.row?.extraIndex {
            // uv's default strategy (the first index that has the package) is the right one
            // here, unlike in the requirements step: the resolver chose this variant's index,
            // and uv searches an extra index before the package index.
            out.indexes.append(index)
        }
        let head = lead ?? chosen[0]
        out.why.append([head.name, head.version.description, head.row?.variant].compactMap { $0 }.joined(separator: " "))
        return out
    }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        var all = Install()
        var provides: [String] = []
        for framework in input.kb.frameworks {
            guard let one = Self.install(framework, resolved, input) else { continue }
            all.specs += one.specs
            all.indexes += one.indexes.filter { !all.indexes.contains($0) }
            all.why += one.why
            provides += framework.packages.filter { resolved.resolution.package($0) != nil }
        }
        guard !all.specs.isEmpty else { return }
        if let lock = input.lock {
            // What the framework needs, as locked; a lock with nothing of the framework adds no stage.
            guard let step = LockedInstall.step(lock, .framework, block: name, composer: composer) else { return }
            try composer.addStage("framework", phase: .frameworkDeps, block: name, name: "framework: " + all.why.joined(separator: ", ") + " (locked)",
                                  operations: [step], provides: provides)
            return
        }
        let indexArgs = all.indexes.flatMap { ["--extra-index-url", $0] }
        let argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python"] + indexArgs + all.specs
        try composer.addStage("framework", phase: .frameworkDeps, block: name, name: "framework: " + all.why.joined(separator: ", "),
                              operations: [.exec(.init(argv, label: "uv pip install " + all.specs.joined(separator: " "),
                                                       env: Layout.uvEnv, mounts: [Layout.uvMount, Layout.uvCache, .caBundle(target: Layout.caBundle), Layout.tmp, Layout.wheelhouse],
                                                       network: true, writes: Layout.venvWrites))],
                              provides: provides)
    }
}

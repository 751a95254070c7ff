import Resolver
import Rules

/// The cog SDK, which serves the HTTP API (itself up to 0.16, through its coglet dependency from
/// 0.17 on). Its release is a resolved variable like the framework's: the newest release for the
/// chosen Python, unless `build.sdk_version` or a `cog` requirement line asks for one. It changes
/// as rarely as the framework, so it is installed right after it and before the user's other
/// requirements: editing requirements.txt re-runs only that last layer.
struct CogRuntimeBlock: Block {
    let name = "cog"
    static let package = "cog"

    func detect(_ input: BlockInput) -> Bool { true }

    /// Every image needs the SDK. `build.sdk_version` pins it; a `cog` requirement line is already
    /// a request of the project's own; without either, any release the rows allow will do.
    func requests(_ input: BlockInput) -> [Request] {
        let c = input.project.config
        if let v = c.sdkVersion, let spec = PEP440SpecifierSet("==" + v.value) {
            return [Request(.package(name: Self.package, spec: spec, local: nil), source: v.source, text: "sdk_version: \"\(v.value)\"")]
        }
        if let at = c.sdkPrerelease {
            let text = "sdk_version: \"\(CogConfig.newestPrerelease)\""
            return [Request(.package(name: Self.package, spec: PEP440SpecifierSet([]), local: nil), source: at, text: text),
                    Request(.prereleases(Self.package), source: at, text: text)]
        }
        if input.project.activeRequirements.contains(where: { $0.name == Self.package }) { return [] }
        return [Request(.package(name: Self.package, spec: PEP440SpecifierSet([]), local: nil),
                        source: Provenance(file: c.file, line: nil),
                        text: "the cog SDK, which every image serves predictions with (build.sdk_version not set)", explicit: false)]
    }

    /// The SDK release the resolution chose.
    static func version(_ resolved: Resolved) throws -> PEP440Version {
        guard let chosen = resolved.resolution.package(package) else { throw PlannerError.unresolved(package) }
        return chosen.version
    }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let version = try Self.version(resolved)
        let c = input.project.config
        let pinned = c.sdkVersion?.source ?? c.sdkPrerelease ?? input.project.activeRequirements.first { $0.name == Self.package }?.source
        let why = pinned.map { "\($0)" } ?? "the newest for Python \(resolved.python)"
        if let lock = input.lock {
            // The SDK and what it needs beyond the framework, as locked.
            guard let step = LockedInstall.step(lock, .cog, block: name, composer: composer) else { return }
            try composer.addStage("cog", phase: .frameworkDeps, block: name, name: "cog SDK \(version) (\(why); locked)",
                                  operations: [step], provides: ["cog"])
            return
        }
        // The framework pins ride along as requirements (already met, so nothing moves); a
        // mount of the requirements context would tie this layer to every requirements edit.
        let argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python", "cog==\(version)"] + resolved.frameworkPins(input.kb)
        let mounts: [Mount] = [Layout.uvMount, Layout.uvCache, .caBundle(target: Layout.caBundle), Layout.tmp, Layout.wheelhouse]
        try composer.addStage("cog", phase: .frameworkDeps, block: name, name: "cog SDK \(version) (\(why))",
                              operations: [.exec(.init(argv, label: "uv pip install cog==\(version)", env: Layout.uvEnv,
                                                       mounts: mounts, network: true, writes: Layout.venvWrites))],
                              provides: ["cog"])
    }
}

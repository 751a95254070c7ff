import Rules

/// The cog SDK (its coglet dependency serves the HTTP API). It changes as rarely as the
/// framework, so it is installed right after it and before the user's other requirements: editing
/// requirements.txt re-runs only that last layer.
struct CogRuntimeBlock: Block {
    let name = "cog"

    func detect(_ input: BlockInput) -> Bool { true }

    /// The version from `build.sdk_version`, else the rules' default.
    static func version(_ input: BlockInput) throws -> (String, Provenance) {
        if let v = input.project.config.sdkVersion { return (v.value, v.source) }
        guard let tool = input.kb.tool("cog") else { throw PlannerError.missingTool("cog") }
        return (tool.version.description, tool.source)
    }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let (version, source) = try Self.version(input)
        // The framework pins ride along as requirements (already met, so nothing moves); a
        // mount of the requirements context would tie this layer to every requirements edit.
        let argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python", "cog==\(version)"] + FrameworkBlock.pins(resolved)
        let mounts: [Mount] = [Layout.uvMount, Layout.uvCache, .caBundle(target: Layout.caBundle), Layout.wheelhouse]
        try composer.addStage("cog", phase: .frameworkDeps, block: name, name: "cog SDK \(version) (\(source))",
                              operations: [.exec(.init(argv, label: "uv pip install cog==\(version)", env: Layout.uvEnv,
                                                       mounts: mounts, network: true))],
                              provides: ["cog"])
    }
}

/// uv, installed from the package index into a folder of its own, in a side stage off the system
/// packages. The steps that use it mount it read-only, so it is never part of the image.
struct UvBlock: Block {
    let name = "uv"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        guard let tool = input.kb.tool("uv") else { throw PlannerError.missingTool("uv") }
        var script = ""
        if resolved.baseImage.python == nil {
            // The base has no Python to run pip with: Debian's python3-venv serves to bootstrap uv only.
            script += "apt-get update -qq && apt-get install -qqy --no-install-recommends python3-venv && "
        }
        script += "python3 -m venv \(Layout.uvTool) && \(Layout.uvTool)/bin/pip install --disable-pip-version-check -q uv==\(tool.version)"
        let exec = Plan.Operation.Exec.shell(script, label: "install uv \(tool.version) (\(tool.source))",
                                        env: ["DEBIAN_FRONTEND=noninteractive"],
                                        mounts: [Layout.pipCache, Layout.aptCache, Layout.aptLists, .caBundle(target: Layout.caBundle)],
                                        network: true)
        try composer.addStage("uv", phase: .runtime, block: name, name: "uv \(tool.version)", source: .phase(.systemDeps),
                              operations: [.exec(exec)], provides: ["uv"])
    }
}

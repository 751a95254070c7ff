/// The resolved Python, when the base image does not ship it: a uv-managed CPython in its own
/// folder, in the image's chain.
struct PythonRuntimeBlock: Block {
    let name = "python"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        guard !composer.hasProvider("python") else { return }
        let exec = Plan.Operation.Exec([Layout.uv, "python", "install", resolved.python, "--install-dir", Layout.pythonInstall],
                                  label: "uv python install \(resolved.python)",
                                  env: Layout.uvEnv.filter { !$0.hasPrefix("UV_PYTHON_DOWNLOADS=") },
                                  mounts: [Layout.uvMount, Layout.uvCache, .caBundle(target: Layout.caBundle)], network: true)
        try composer.addStage("python", phase: .runtime, block: name, name: "python \(resolved.python)",
                              source: .phase(.systemDeps), operations: [.exec(exec)], provides: ["python"])
    }
}

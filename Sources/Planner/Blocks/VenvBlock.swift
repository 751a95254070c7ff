/// The virtual environment every Python package goes into, in the image's chain: each later
/// install is a layer of its own on top of it.
struct VenvBlock: Block {
    let name = "venv"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let installed = composer.stages(in: .runtime).contains { $0.id == "python" }
        let managed = !composer.hasProvider("python") || installed
        var argv = [Layout.uv, "venv", Layout.venv, "--python", resolved.python]
        argv += managed ? ["--python-preference", "only-managed"] : ["--python-preference", "only-system"]
        var env = Layout.uvEnv
        if managed { env.append("UV_PYTHON_INSTALL_DIR=\(Layout.pythonInstall)") }
        try composer.addStage("venv", phase: .runtime, block: name, name: "virtual environment",
                              source: installed ? .stage("python") : .phase(.systemDeps),
                              operations: [.exec(.init(argv, label: "uv venv \(Layout.venv) (python \(resolved.python))", env: env,
                                                       mounts: [Layout.uvMount, Layout.uvCache, Layout.tmp], writes: Layout.venvWrites))],
                              provides: ["venv"])
    }
}

/// The virtual environment every Python package goes into; the export copies it whole.
struct VenvBlock: Block {
    let name = "venv"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let managed = !composer.hasProvider("python") || composer.stages(in: .runtime).contains { $0.id == "python" }
        var argv = [Layout.uv, "venv", Layout.venv, "--python", resolved.python]
        argv += managed ? ["--python-preference", "only-managed"] : ["--python-preference", "only-system"]
        var env = Layout.uvEnv
        if managed { env.append("UV_PYTHON_INSTALL_DIR=\(Layout.pythonInstall)") }
        try composer.addStage("venv", phase: .runtime, block: name, name: "virtual environment",
                              operations: [.exec(.init(argv, label: "uv venv \(Layout.venv) (python \(resolved.python))", env: env))],
                              provides: ["venv"])
        try composer.addStage("venv-runtime", phase: .exportRuntime, block: name, name: "virtual environment",
                              operations: [.copy(.init(from: .phase(.buildComplete), src: [Layout.venv], dest: Layout.venv))])
    }
}

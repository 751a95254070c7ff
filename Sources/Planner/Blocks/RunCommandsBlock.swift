/// cog.yaml's `build.run` commands, through a shell, in the final image (their effects are part
/// of it), with the virtual environment on PATH and their secret mounts.
struct RunCommandsBlock: Block {
    let name = "run"

    func detect(_ input: BlockInput) -> Bool { !input.project.config.run.isEmpty }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let ops = input.project.config.run.map { cmd in
            Plan.Operation.exec(.shell(cmd.command, label: "run: \(cmd.command) (\(cmd.source))",
                                  mounts: cmd.secretMounts.map { .secret(id: $0.id, target: $0.target) } + [.caBundle(target: Layout.caBundle)],
                                  network: true))
        }
        try composer.addStage("run", phase: .exportApp, block: name, name: "run commands", operations: ops,
                              env: ConfigBlock.pathEnv)
    }
}

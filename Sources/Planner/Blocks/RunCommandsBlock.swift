/// cog.yaml's `build.run` commands, through a shell, in the final image (their effects are part
/// of it), with the virtual environment on PATH, cog.yaml's `environment` (Cog sets it before
/// its run commands, so that e.g. HF_HOME places what they download) and their secret mounts.
struct RunCommandsBlock: Block {
    let name = "run"

    func detect(_ input: BlockInput) -> Bool { !input.project.config.run.isEmpty }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let ops = input.project.config.run.map { Plan.Operation.exec(Self.exec($0, key: "run")) }
        try composer.addStage("run", phase: .exportApp, block: name, name: "run commands", operations: ops,
                              env: ConfigBlock.pathEnv + input.project.config.environment.map(\.value))
    }
}

extension RunCommandsBlock {
    /// A command from cog.yaml (`run`, `pre_install`): through a shell, with its secret mounts,
    /// the network and the CA bundle, labelled with where it was written.
    static func exec(_ cmd: CogConfig.RunCommand, key: String) -> Plan.Operation.Exec {
        .shell(cmd.command, label: "\(key): \(cmd.command) (\(cmd.source))",
               mounts: cmd.secretMounts.map { .secret(id: $0.id, target: $0.target) } + [.caBundle(target: Layout.caBundle)],
               network: true)
    }
}

/// cog.yaml's `pre_install` commands: run as root before any Python package, in the image.
struct PreInstallBlock: Block {
    let name = "pre-install"

    func detect(_ input: BlockInput) -> Bool { !input.project.config.preInstall.isEmpty }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let ops = input.project.config.preInstall.map { Plan.Operation.exec(RunCommandsBlock.exec($0, key: "pre_install")) }
        try composer.addStage("pre-install", phase: .systemDeps, block: name, name: "pre_install commands", operations: ops)
    }
}

/// The image the build starts from, and the export's starting point. The catalog's images serve
/// both: the final image is the build base plus its system packages, minus every build tool.
struct BaseImageBlock: Block {
    let name = "base-image"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        var provides: [String] = []
        if let p = resolved.baseImage.python, p.text == resolved.python { provides.append("python") }
        composer.setBaseProvides(provides)
        try composer.addStage("base", phase: .base, block: name, name: "base image \(resolved.baseImage.reference)",
                              source: .image(resolved.baseImage.reference))
        // The export starts where the system packages end; nothing of the build phases after it.
        try composer.addStage("runtime-base", phase: .exportBase, block: name, name: "runtime base",
                              source: .phase(.systemDeps))
    }
}

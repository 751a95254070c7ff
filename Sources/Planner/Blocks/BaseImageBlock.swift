/// The image the build starts from, and the export's starting point. The catalog's images serve
/// both: the final image is the build base plus its system packages and the Python environment.
struct BaseImageBlock: Block {
    let name = "base-image"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        var provides: [String] = []
        if let p = resolved.baseImage.python, p.text == resolved.python { provides.append("python") }
        composer.setBaseProvides(provides)
        try composer.addStage("base", phase: .base, block: name, name: "base image \(resolved.baseImage.reference)",
                              source: .image(resolved.baseImage.reference))
        // The final image grows from the build chain: base, system packages, the Python
        // environment layer by layer. Build tools are never in that chain (uv is mounted from a
        // side stage, downloads live in cache mounts), so nothing needs copying out of it, and
        // editing requirements does not copy the whole environment again.
        try composer.addStage("runtime-base", phase: .exportBase, block: name, name: "runtime base",
                              source: .phase(.buildComplete))
    }
}

/// cog.yaml's `weights:` (Cog's managed weights): each entry's files at its target, in a layer of
/// their own before the source, so that editing predict.py copies none of them again. Cog pushes
/// them as artifacts of their own and mounts them at the target when the model runs; an image
/// of cogpack carries them, so that it runs as it is. They are read from a context of the model
/// folder without its `.dockerignore` (which may list them to keep them out of /src), and left
/// out of the source layer.
struct ManagedWeightsBlock: Block {
    let name = "managed-weights"
    static let context = "weights"

    func detect(_ input: BlockInput) -> Bool { !input.project.weights.isEmpty }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        composer.addContext(Self.context, Plan.Context(kind: .project, block: name, description: "the files of cog.yaml's weights, from the model folder",
                                                       excludes: SourceInfo.alwaysExcluded, files: [:]))
        for w in input.project.weights {
            let ops = w.files.map { f in
                Plan.Operation.copy(.init(from: .context(Self.context), src: [f.path], dest: f.destination))
            }
            let total = w.files.reduce(Int64(0)) { $0 + $1.size }
            try composer.addStage("weights-\(w.name)", phase: .exportApp, block: name,
                                  name: "weights \(w.name) → \(w.target) (\(w.files.count) files, \(total >> 20) MiB)", operations: ops,
                                  provides: ["weights:\(w.name)"])
        }
    }

    /// Whether `path` (relative to the model folder) is one of the weights' sources or below one.
    static func isSource(_ path: String, of project: Project) -> Bool {
        project.weights.contains { w in w.sourcePaths.contains { path == $0 || path.hasPrefix($0 + "/") } }
    }
}

/// Large files that are not code, in a layer of their own before the source, so that editing
/// predict.py does not copy gigabytes again.
struct WeightsBlock: Block {
    let name = "weights"

    /// The large files, but those of cog.yaml's `weights:` (which land at their targets instead).
    static func files(_ input: BlockInput) -> [SourceInfo.File] {
        input.source.weights.filter { !ManagedWeightsBlock.isSource($0.path, of: input.project) }
    }

    func detect(_ input: BlockInput) -> Bool { !Self.files(input).isEmpty }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let files = Self.files(input)
        let ops = files.map { f in
            Plan.Operation.copy(.init(from: .context("context"), src: [f.path], dest: Layout.src + "/" + f.path))
        }
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        try composer.addStage("weights", phase: .exportApp, block: name,
                              name: "weights (\(files.count) files, \(total >> 20) MiB)", operations: ops,
                              provides: ["weights"])
    }
}

/// Large files that are not code, in a layer of their own before the source, so that editing
/// predict.py does not copy gigabytes again.
struct WeightsBlock: Block {
    let name = "weights"

    func detect(_ input: BlockInput) -> Bool { !input.source.weights.isEmpty }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let ops = input.source.weights.map { f in
            Plan.Operation.copy(.init(from: .context("context"), src: [f.path], dest: Layout.src + "/" + f.path))
        }
        let total = input.source.weights.reduce(Int64(0)) { $0 + $1.size }
        try composer.addStage("weights", phase: .exportApp, block: name,
                              name: "weights (\(input.source.weights.count) files, \(total >> 20) MiB)", operations: ops,
                              provides: ["weights"])
    }
}

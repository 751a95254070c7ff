/// The model folder at /src, last, without version control, caches, `.dockerignore` entries and
/// the weights (which have their own layers: large files, and the sources of cog.yaml's `weights:`,
/// which land at their targets).
struct SourceCopyBlock: Block {
    let name = "source"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        // The weights are files, not patterns: escaped, `w[ab].bin` leaves `wa.bin` in the source.
        let excludes = SourceInfo.alwaysExcluded + input.source.ignoreLines + [".dockerignore"]
            + WeightsBlock.files(input).map { IgnorePatterns.literal($0.path) }
            + input.project.weights.flatMap(\.sourcePaths).map(IgnorePatterns.literal)
        composer.addContext("context", Plan.Context(kind: .project, block: name, description: "the model folder",
                                                    excludes: SourceInfo.alwaysExcluded + input.source.ignoreLines, files: [:]))
        try composer.addStage("source", phase: .exportApp, block: name, name: "model source",
                              operations: [.copy(.init(from: .context("context"), src: ["."], dest: Layout.src, excludes: excludes))],
                              workdir: Layout.src, provides: ["model-source"])
    }
}

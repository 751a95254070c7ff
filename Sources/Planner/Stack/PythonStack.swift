/// The one stack today: a Cog model in Python. Its blocks run in this order; each adds its
/// stages to the phases it owns.
public struct PythonStack: Sendable {
    public let name = "python"
    let blocks: [any Block] = [
        BaseImageBlock(), AptBlock(), PreInstallBlock(), UvBlock(), PythonRuntimeBlock(), VenvBlock(),
        FrameworkBlock(), CogRuntimeBlock(), AppDepsBlock(), RunCommandsBlock(), WeightsBlock(), ManagedWeightsBlock(), SchemaBlock(), SourceCopyBlock(),
        ConfigBlock(),
    ]

    public init() {}

    /// A model folder with cog.yaml is a Python model; Cog knows no other kind.
    public func detect(_ source: SourceInfo) -> Bool { source.exists("cog.yaml") }

    func active(_ input: BlockInput) -> [any Block] { blocks.filter { $0.detect(input) } }
}

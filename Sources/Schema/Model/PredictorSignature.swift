/// Whether the document describes `predict:` (`/predictions`) or `train:` (`/trainings`).
public enum SchemaMode: Sendable {
    case predict, train
}

/// What a predictor's source says about its API: the inputs in order, the output, and whether
/// it opted into streaming (`@cog.streaming`).
public struct PredictorSignature: Equatable, Sendable {
    public let mode: SchemaMode
    public let inputs: [InputField]
    public let output: OutputType
    public let streaming: Bool
    public let isAsync: Bool

    public init(mode: SchemaMode, inputs: [InputField], output: OutputType, streaming: Bool = false, isAsync: Bool = false) {
        self.mode = mode
        self.inputs = inputs
        self.output = output
        self.streaming = streaming
        self.isAsync = isAsync
    }
}

import Foundation
import Schema

/// What cog.yaml's predictor and trainer accept and return, read from their source before
/// anything is resolved or downloaded: a predictor the schema cannot describe fails the plan with
/// its file and line, as Cog's build fails before its Docker build.
public struct ModelSignatures: Sendable {
    public var predict: PredictorSignature?
    public var train: PredictorSignature?

    public init(predict: PredictorSignature? = nil, train: PredictorSignature? = nil) {
        self.predict = predict
        self.train = train
    }

    public var isEmpty: Bool { predict == nil && train == nil }

    public static func read(_ project: Project) throws -> ModelSignatures {
        func signature(_ ref: CogConfig.Located<String>?, _ mode: SchemaMode) throws -> PredictorSignature? {
            guard let ref else { return nil }
            let target = String(ref.value.split(separator: ":", maxSplits: 1).last ?? "")
            let (file, text) = try project.pythonSource(ref)
            return try SchemaGenerator.signature(source: text, file: file, target: target, mode: mode, files: project.pythonFiles)
        }
        let signatures = ModelSignatures(predict: try signature(project.config.predict, .predict),
                                         train: try signature(project.config.train, .train))
        // Cog's build refuses this too: Cog's server runs a sync predict() one at a time and its
        // setup fails ("COG_MAX_CONCURRENCY > 1 requires an async run() or predict() method").
        if let m = project.config.concurrencyMax, m.value > 1, let p = signatures.predict, !p.isAsync, let ref = project.config.predict {
            let file = String(ref.value.prefix { $0 != ":" })
            throw InputError(m.source, "concurrency.max \(m.value) needs an async predict(): the predictor of \(file) is not async; write async def predict(...), or set max: 1")
        }
        return signatures
    }

    /// The image's document: `info.version` is the SDK release the image gets.
    public func document(version: String) -> JSONValue? {
        ModelDocument.combined(predict: predict.map { OpenAPIDocument(signature: $0, version: version) },
                               train: train.map { OpenAPIDocument(signature: $0, version: version) })
    }
}

/// The OpenAPI document at /src/.cog/openapi_schema.json, where Cog's server reads it (coglet,
/// from cog 0.17: `/openapi.json` and input validation; the 0.16 line builds its own at run
/// time and never reads the file), and in the `run.cog.openapi_schema` label. Its own small
/// layer before the source: editing predict.py without changing its signature leaves it cached.
struct SchemaBlock: Block {
    let name = "schema"
    static let context = "schema"
    static let file = "openapi_schema.json"
    static let path = Layout.src + "/.cog/" + file
    static let label = "run.cog.openapi_schema"

    func detect(_ input: BlockInput) -> Bool { !input.signatures.isEmpty }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let version = try CogRuntimeBlock.version(resolved).description
        guard let document = input.signatures.document(version: version) else { return }
        let text = ModelDocument.text(document)
        composer.addContext(Self.context, Plan.Context(kind: .generated, block: name,
                                                       description: "the model's OpenAPI document, read from its source",
                                                       excludes: [], files: [Self.file: .init(content: text, mode: 0o644)]))
        try composer.addStage("schema", phase: .exportApp, block: name, name: "OpenAPI schema",
                              operations: [.copy(.init(from: .context(Self.context), src: [Self.file], dest: Self.path))],
                              provides: ["openapi-schema"])
        composer.export.labels[Self.label] = text
    }
}

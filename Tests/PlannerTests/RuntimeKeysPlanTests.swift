import Foundation
import Planner
import Rules
import XCTest

/// cog.yaml's runtime keys in the plan: `weights` (files at their targets), `concurrency.max`
/// (only with an async predictor), `environment`, `train` and a predictor in a subfolder. The
/// images that run them are in Tests/CLITests/RuntimeKeysTests.swift.
final class RuntimeKeysPlanTests: XCTestCase {
    private let head = "build:\n  python_version: \"3.11\"\npredict: \"predict.py:Predictor\"\n"

    private func copies(_ plan: Plan, _ stage: String) -> [(src: String, dest: String)] {
        (plan.stage(stage)?.operations ?? []).compactMap {
            if case .copy(let c) = $0 { return (c.src.joined(separator: " "), c.dest) }
            return nil
        }
    }

    func testLocalWeightsLandAtTheirTargetFilteredAndOutOfTheSource() throws {
        let m = try TemporaryModel(cogYAML: head + """
            weights:
              - name: base
                target: /src/weights/base
                source:
                  uri: file://./checkpoints
                  include: ["*.json", "*.safetensors"]
                  exclude: ["skip/"]
              - name: tok
                target: /opt/tokenizer
                source: ./vocab.txt
            """)
        try m.write("checkpoints/config.json", "{}")
        try m.write("checkpoints/nested/deep.json", "{}")
        try m.write("checkpoints/notes.md", "no")
        try m.write("checkpoints/skip/other.json", "{}")
        try m.sparse("checkpoints/model.safetensors", size: 20 << 20)
        try m.write("vocab.txt", "a\nb\n")
        // Cog's example keeps its weights folder out of /src this way; the weights still come.
        try m.write(".dockerignore", "checkpoints/\n")
        let plan = try m.plan()
        let base = copies(plan, "weights-base")
        XCTAssertEqual(base.map(\.dest), ["/src/weights/base/config.json", "/src/weights/base/model.safetensors", "/src/weights/base/nested/deep.json"])
        XCTAssertEqual(base.map(\.src), ["checkpoints/config.json", "checkpoints/model.safetensors", "checkpoints/nested/deep.json"])
        XCTAssertEqual(copies(plan, "weights-tok").map(\.dest), ["/opt/tokenizer/vocab.txt"])
        XCTAssertEqual(plan.contexts["weights"]?.excludes, SourceInfo.alwaysExcluded, "the weights context ignores .dockerignore")
        if case .context(let name)? = plan.stage("weights-base")?.operations.first.flatMap({ op -> StageInput? in
            if case .copy(let c) = op { return c.from } else { return nil }
        }) { XCTAssertEqual(name, "weights") } else { XCTFail("the weights are not copied from a context") }
        XCTAssertNil(plan.stage("weights"), "a large file of a weights source is not also a weight of /src")
        guard case .copy(let source) = plan.stage("source")?.operations.first else { return XCTFail("no source copy") }
        XCTAssertTrue(source.excludes.contains("checkpoints") && source.excludes.contains("vocab.txt"), "\(source.excludes)")
        let ids = plan.stages.map(\.id)
        XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: "weights-tok")), try XCTUnwrap(ids.firstIndex(of: "source")))
    }

    func testRemoteWeightsAreAWarningAndNoLayer() throws {
        let m = try TemporaryModel(cogYAML: head + "weights:\n  - name: base\n    target: /src/w\n    source:\n      uri: hf://org/model\n")
        let project = try Project.load(m.root, kb: try TemporaryModel.kb.get())
        XCTAssertEqual(project.warnings.map(\.source.line), [8])
        XCTAssertTrue(project.warnings[0].message.contains("cogpack does not download 'hf://org/model'"), project.warnings[0].message)
        let plan = try m.plan()
        XCTAssertNil(plan.stage("weights-base"))
        XCTAssertNil(plan.contexts["weights"])
    }

    func testWeightsEntriesAreCheckedAsCogChecksThem() throws {
        let entry = { (body: String) in self.head + "weights:\n" + body }
        let cases: [(String, Int, String)] = [
            (entry("  - name: Base\n    target: /w\n    source: ./w\n"), 5, "must be lowercase"),
            (entry("  - name: base\n    target: w\n    source: ./w\n"), 6, "must be an absolute path"),
            (entry("  - name: base\n    target: /\n    source: ./w\n"), 6, "not / itself"),
            (entry("  - name: base\n    target: /w\n"), 5, "needs a source"),
            (entry("  - name: a\n    target: /w\n    source: ./w\n  - name: b\n    target: /w/lora\n    source: ./w\n"), 9, "overlaps with /w"),
            (entry("  - name: a\n    target: /w\n    source: ./w\n  - name: a\n    target: /v\n    source: ./w\n"), 8, "used twice"),
            (entry("  - name: a\n    target: /w\n    source:\n      uri: ./w\n      include: [\"!*.bin\"]\n"), 9, "negation patterns"),
            (entry("  - name: a\n    target: /w\n    source: ./missing\n"), 7, "does not exist in the model folder"),
            (entry("  - name: a\n    target: /w\n    source:\n      uri: ./w\n      include: [\"*.bin\"]\n"), 8, "no file of"),
        ]
        for (yaml, line, words) in cases {
            let m = try TemporaryModel(cogYAML: yaml)
            try m.write("w/a.json", "{}")
            let e = m.inputError()
            XCTAssertEqual(e?.source, Provenance(file: "cog.yaml", line: line), "\(yaml)\n\(e?.message ?? "")")
            XCTAssertTrue(e?.message.contains(words) == true, "\(words): \(e?.message ?? "")")
        }
    }

    func testTheGitignoreStyleOfWeightsPatterns() {
        XCTAssertTrue(WeightsFiles.matches("*.json", "a/b/c.json"), "a bare pattern matches at any depth")
        XCTAssertTrue(WeightsFiles.matches("onnx/", "onnx/model.onnx"))
        XCTAssertFalse(WeightsFiles.matches("onnx/", "onnx"), "name/ matches folders only")
        XCTAssertTrue(WeightsFiles.matches("text_encoder/*.safetensors", "text_encoder/a.safetensors"))
        XCTAssertFalse(WeightsFiles.matches("text_encoder/*.safetensors", "vae/text_encoder/a.safetensors"), "a pattern with / is anchored")
        XCTAssertFalse(WeightsFiles.matches("*.bin", "model.safetensors"))
    }

    func testConcurrencyAboveOneNeedsAnAsyncPredictor() throws {
        let yaml = head + "concurrency:\n  max: 2\n"
        let sync = try TemporaryModel(cogYAML: yaml)
        let e = sync.inputError()
        XCTAssertEqual(e?.source, Provenance(file: "cog.yaml", line: 5))
        XCTAssertTrue(e?.message.contains("needs an async predict()") == true, e?.message ?? "")

        let async = try TemporaryModel(cogYAML: yaml)
        try async.write("predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    async def predict(self) -> str:\n        return \"\"\n")
        XCTAssertTrue(try async.plan().export.env.contains("COG_MAX_CONCURRENCY=2"))
        // One at a time needs nothing of the predictor.
        let one = try TemporaryModel(cogYAML: head + "concurrency:\n  max: 1\n")
        XCTAssertTrue(try one.plan().export.env.contains("COG_MAX_CONCURRENCY=1"))
    }

    func testTrainerSubfolderPredictorAndEnvironmentReachTheImage() throws {
        let m = try TemporaryModel(cogYAML: """
            build:
              python_version: "3.11"
              run:
                - echo "$GREETING" > /greeting
            predict: "src/model/predict.py:Predictor"
            train: "train.py:train"
            environment:
              - GREETING=hello there
            """)
        try m.write("src/model/predict.py", TemporaryModel.predictor)
        try m.write("train.py", "from cog import Path\n\ndef train(rate: float = 0.5) -> Path:\n    return Path(\"w\")\n")
        let plan = try m.plan()
        for variable in ["COG_PREDICT_TYPE_STUB=src/model/predict.py:Predictor", "COG_TRAIN_TYPE_STUB=train.py:train", "GREETING=hello there"] {
            XCTAssertTrue(plan.export.env.contains(variable), "\(variable): \(plan.export.env)")
        }
        XCTAssertTrue(plan.stage("run")?.env.contains("GREETING=hello there") == true, "run commands see the environment, as in Cog")
        let schema = try XCTUnwrap(plan.export.labels["run.cog.openapi_schema"])
        XCTAssertTrue(schema.contains("\"TrainingInput\"") && schema.contains("\"/trainings\""), "the trainer's document is merged in")
        let config = try XCTUnwrap(plan.export.labels["run.cog.config"])
        XCTAssertTrue(config.contains("\"train\":\"train.py:train\""), config)
    }
}

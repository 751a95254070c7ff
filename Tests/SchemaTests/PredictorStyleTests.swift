import Rules
@testable import Schema
import XCTest

/// Which method or function a cog.yaml reference names, in every style Cog accepts, and the
/// whole document around it.
final class PredictorStyleTests: XCTestCase {
    private func signature(_ source: String, target: String = "Predictor", mode: SchemaMode = .predict) throws -> PredictorSignature {
        try SchemaGenerator.signature(source: source, file: "predict.py", target: target, mode: mode)
    }

    func testRunnerStyleIsPreferredOverPredict() throws {
        let s = try signature("""
            from cog import BaseRunner

            class Runner(BaseRunner):
                def predict(self, old: str) -> str: ...
                def run(self, prompt: str) -> str: ...
            """, target: "Runner")
        XCTAssertEqual(s.inputs.map(\.name), ["prompt"])
    }

    func testAsyncAndInheritedAndDecoratedMethods() throws {
        let base = """
            import cog
            from cog import BasePredictor, Input
            from typing import AsyncIterator

            class Base(BasePredictor):
                @cog.streaming
                async def predict(
                    self,
                    prompt: str = Input(
                        description="what to say",  # a comment
                    ),
                ) -> AsyncIterator[str]:
                    yield prompt

            class Predictor(Base):
                def setup(self) -> None:
                    import torch  # never run
            """
        let s = try signature(base)
        XCTAssertTrue(s.isAsync)
        XCTAssertTrue(s.streaming)
        XCTAssertEqual(s.inputs.first?.description, "what to say")
        let doc = OpenAPIDocument(signature: s, version: "0.23.1").json
        XCTAssertEqual(doc["paths", "/predictions", "post", "x-cog-streaming"], .bool(true))
    }

    func testStreamingNeedsAnIterator() {
        XCTAssertThrowsError(try signature("""
            from cog import BasePredictor, streaming

            class Predictor(BasePredictor):
                @streaming
                def predict(self) -> str: ...
            """)) { error in
            XCTAssertEqual((error as? InputError)?.source, Provenance(file: "predict.py", line: 5))
        }
    }

    func testFunctionPredictorAndTrainer() throws {
        let source = """
            from cog import Input, Path

            def predict(text: str) -> str:
                return text

            def train(data: Path, epochs: int = Input(default=3, ge=1)) -> Path:
                return data
            """
        XCTAssertEqual(try signature(source, target: "predict").inputs.map(\.name), ["text"])
        let trainer = try signature(source, target: "train", mode: .train)
        XCTAssertEqual(trainer.inputs.map(\.name), ["data", "epochs"])
        let doc = OpenAPIDocument(signature: trainer, version: "0.23.1").json
        XCTAssertEqual(doc["components", "schemas", "TrainingInput", "title"], .string("TrainingInput"))
        XCTAssertEqual(doc["components", "schemas", "TrainingOutput", "title"], .string("Output"))
        XCTAssertNotNil(doc["paths", "/trainings", "post"])
        XCTAssertNotNil(doc["paths", "/trainings/{training_id}/cancel", "post"])
        XCTAssertNil(doc["paths", "/predictions"])
        XCTAssertEqual(doc["components", "schemas", "TrainingResponse", "properties", "output", "$ref"], .string("#/components/schemas/TrainingOutput"))
    }

    func testTrainerClassNeedsTrain() {
        XCTAssertThrowsError(try signature("class Trainer:\n    def predict(self) -> str: ...\n", target: "Trainer", mode: .train)) { error in
            XCTAssertEqual((error as? InputError)?.source, Provenance(file: "predict.py", line: 1))
        }
    }

    func testMissingTargetsAndAnnotations() {
        let cases: [(String, String, Int?, String)] = [
            ("class Other:\n    pass\n", "Predictor", nil, "predictor not found"),
            // Cog loads the name cog.yaml gives: a function under another name is not it.
            ("def predict(x: str) -> str:\n    return x\n", "Predictor", nil, "no class or function named Predictor in this file; Cog loads Predictor, so rename the function predict (line 1)"),
            ("class Predictor:\n    def setup(self): ...\n", "Predictor", 1, "must define run() or predict()"),
            ("class Predictor:\n    def predict(self, x: str):\n        pass\n", "Predictor", 2, "missing return type annotation on predict"),
            ("def run(x: str):\n    pass\n", "run", 1, "missing return type annotation on run"),
            ("x = 'unclosed\n", "Predictor", 1, "never closed"),
        ]
        for (source, target, line, words) in cases {
            XCTAssertThrowsError(try signature(source, target: target)) { error in
                guard let e = error as? InputError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.source.line, line, words)
                XCTAssertTrue(e.message.contains(words), e.message)
            }
        }
    }

    func testImportAliases() throws {
        let s = try signature("""
            from cog import BasePredictor, Input as In, Path as CogPath
            import typing as t

            class Predictor(BasePredictor):
                def predict(self, image: CogPath = In(description="an image"), tags: t.List[str] = []) -> CogPath: ...
            """)
        XCTAssertEqual(s.inputs[0].type, .primitive(.path))
        XCTAssertEqual(s.inputs[0].description, "an image")
        XCTAssertEqual(s.inputs[1].type, InputType(.array(.primitive(.str))))
        XCTAssertEqual(s.output, .primitive(.path))
    }

    /// The whole document of a typed model, against one written out by hand from Cog's rules.
    func testWholeDocument() throws {
        let source = """
            from cog import BasePredictor, Input, Path

            class Predictor(BasePredictor):
                def predict(
                    self,
                    text: str,
                    image: Path,
                    count: int = Input(description="Number of iterations", default=5, ge=1, le=100),
                    mode: str = Input(description="Quality mode", default="fast", choices=["fast", "balanced", "quality"]),
                ) -> str:
                    return text
            """
        let got = try SchemaGenerator.document(source: source, file: "predict.py", target: "Predictor", mode: .predict, version: "0.23.1")
        let expected = try JSONText.parse(Self.typedModelDocument)
        XCTAssertEqual(got.text, JSONRenderer.render(expected) + "\n")
    }

    static let typedModelDocument = ##"""
        {"openapi":"3.0.2","info":{"title":"Cog","version":"0.23.1"},
         "paths":{
          "/":{"get":{"summary":"Root","operationId":"root__get","responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{}}}}}}},
          "/health-check":{"get":{"summary":"Healthcheck","operationId":"healthcheck_health_check_get","responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{}}}}}}},
          "/predictions":{"post":{"summary":"Predict","description":"Run a single prediction on the model","operationId":"predict_predictions_post",
            "requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/PredictionRequest"}}}},
            "responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/PredictionResponse"}}}},
                         "422":{"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}}}}},
          "/predictions/{prediction_id}/cancel":{"post":{"summary":"Cancel","operationId":"cancel_predictions__prediction_id__cancel_post",
            "parameters":[{"required":true,"schema":{"title":"Prediction Id","type":"string"},"name":"prediction_id","in":"path"}],
            "responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{}}}},
                         "422":{"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}}}}}},
         "components":{"schemas":{
          "Input":{"title":"Input","type":"object","required":["text","image"],"properties":{
            "text":{"title":"Text","type":"string","x-order":0},
            "image":{"title":"Image","type":"string","format":"uri","x-order":1},
            "count":{"title":"Count","type":"integer","default":5,"description":"Number of iterations","minimum":1,"maximum":100,"x-order":2},
            "mode":{"allOf":[{"$ref":"#/components/schemas/mode"}],"default":"fast","description":"Quality mode","x-order":3}}},
          "Output":{"title":"Output","type":"string"},
          "mode":{"title":"mode","description":"An enumeration.","enum":["fast","balanced","quality"],"type":"string"},
          "PredictionRequest":{"title":"PredictionRequest","type":"object","properties":{"id":{"title":"Id","type":"string"},"input":{"$ref":"#/components/schemas/Input"}}},
          "PredictionResponse":{"title":"PredictionResponse","type":"object","properties":{
            "input":{"$ref":"#/components/schemas/Input"},"output":{"$ref":"#/components/schemas/Output"},
            "id":{"title":"Id","type":"string"},"version":{"title":"Version","type":"string"},
            "created_at":{"title":"Created At","type":"string","format":"date-time"},
            "started_at":{"title":"Started At","type":"string","format":"date-time"},
            "completed_at":{"title":"Completed At","type":"string","format":"date-time"},
            "status":{"title":"Status","type":"string"},"error":{"title":"Error","type":"string"},
            "logs":{"title":"Logs","type":"string"},"metrics":{"title":"Metrics","type":"object"}}},
          "Status":{"title":"Status","description":"An enumeration.","enum":["starting","processing","succeeded","canceled","failed"],"type":"string"},
          "HTTPValidationError":{"title":"HTTPValidationError","type":"object","properties":{"detail":{"title":"Detail","type":"array","items":{"$ref":"#/components/schemas/ValidationError"}}}},
          "ValidationError":{"title":"ValidationError","required":["loc","msg","type"],"type":"object","properties":{
            "loc":{"title":"Location","type":"array","items":{"anyOf":[{"type":"string"},{"type":"integer"}]}},
            "msg":{"title":"Message","type":"string"},"type":{"title":"Error Type","type":"string"}}}}}}
        """##
}

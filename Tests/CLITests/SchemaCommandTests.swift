import Foundation
import XCTest

/// `cogpack schema`: the document of examples/hello, and bad predictors as exit 2 with file:line.
final class SchemaCommandTests: XCTestCase {
    /// Compared as JSON values (the expected file is written in Cog's key order; the command sorts keys).
    func testHelloDocument() throws {
        let r = try CLI.run(["schema", "examples/hello"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expectedURL = CLI.repo.appendingPathComponent("Tests/CLITests/Expected/hello-openapi.json")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL)) as? NSDictionary
        let got = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? NSDictionary
        XCTAssertEqual(got, expected)
        // Sorted keys: the same model always prints the same bytes.
        XCTAssertTrue(r.stdout.hasPrefix("{\n  \"components\": {"), r.stdout)
    }

    func testBadPredictorIsExit2WithFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "build:\n  python_version: \"3.11\"\npredict: \"predict.py:Predictor\"\n".write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        try """
            import torch
            from cog import BasePredictor, Input

            class Predictor(BasePredictor):
                def predict(self, steps: int = Input(default=0, ge=1)) -> str:
                    return str(torch.zeros(steps))
            """.write(to: dir.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["schema", dir.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("predict.py:5: parameter 'steps': default 0 is below ge=1"), r.stderr)

        let train = try CLI.run(["schema", dir.path, "--train"])
        XCTAssertEqual(train.status, 2)
        XCTAssertTrue(train.stderr.contains("no train: in cog.yaml"), train.stderr)
    }

    /// cog.yaml's predictor in a folder imports its output from another file of the model: the
    /// document has it; a module folder that is a symlink out of the model is exit 2 at the import
    /// line, and plan refuses it too, before anything is resolved.
    func testTypesOfOtherFilesAndTheFolderEdge() throws {
        let yaml = "build:\n  python_version: \"3.11\"\npredict: \"src/predict.py:Predictor\"\n"
        let dir = try ScratchModel.make(self, prefix: "cogpack-xf-schema", cogYAML: yaml, files: [
            "models/out.py": "from cog import BaseModel\n\nclass Prediction(BaseModel):\n    text: str\n    score: float\n",
            "src/predict.py": "from cog import BasePredictor\nfrom models.out import Prediction\n\nclass Predictor(BasePredictor):\n    def predict(self, prompt: str) -> Prediction:\n        pass\n",
        ])
        let r = try CLI.run(["schema", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? NSDictionary)
        let output = ((doc["components"] as? NSDictionary)?["schemas"] as? NSDictionary)?["Output"] as? NSDictionary
        XCTAssertEqual(output?["required"] as? [String], ["text", "score"])

        try FileManager.default.removeItem(at: dir.appendingPathComponent("models"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("models").path, withDestinationPath: "/etc")
        for command in ["schema", "plan"] {
            let refused = try CLI.run([command, dir.path, "--no-engine"].filter { command == "plan" || $0 != "--no-engine" })
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("src/predict.py:2: the folder of Python modules 'models' is outside the model folder"), refused.stderr)
        }
    }
}

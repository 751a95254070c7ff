import Foundation
import Planner
import Rules
@testable import Schema
import XCTest

/// Types a predictor imports from other files of the model, read from a real folder through the
/// planner's `ModelFolder` (the reader the build and `cogpack schema` use), as Cog's static
/// generator resolves them (pkg/schema/python parser tests, `TestCrossFile*`).
final class CrossFileImportTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws { try freshModel() }

    /// An empty model folder, removed when the test ends.
    private func freshModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-xfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        root = dir
    }

    static let prediction = """
        from cog import BaseModel

        class Prediction(BaseModel):
            text: str
            score: float
        """

    static let predictionSchema = #"{"properties":{"score":{"title":"Score","type":"number"},"text":{"title":"Text","type":"string"}},"required":["text","score"],"title":"Output","type":"object"}"#

    private func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// A predictor whose `predict` returns `returns`, after `imports` (its def is on line 4 + the
    /// number of import lines).
    private static func predictor(_ imports: String, returns: String = "Prediction") -> String {
        "from cog import BasePredictor\n\(imports)\n\nclass Predictor(BasePredictor):\n    def predict(self, prompt: str) -> \(returns):\n        pass\n"
    }

    private func output(_ predictor: String = "predict.py") throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent(predictor), encoding: .utf8)
        let doc = try SchemaGenerator.document(source: text, file: predictor, target: "Predictor", mode: .predict, version: "0.23.1",
                                               files: try ModelFolder(root)).json
        return doc["components", "schemas", "Output"].map { JSONRenderer.render($0, pretty: false) } ?? "nil"
    }

    private func failure(_ predictor: String = "predict.py", file: StaticString = #filePath, line: UInt = #line) -> InputError? {
        do {
            let got = try output(predictor)
            XCTFail("expected an error, got \(got)", file: file, line: line)
        } catch let e as InputError {
            return e
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return nil
    }

    private func expect(_ json: String, _ predictor: String = "predict.py", file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try output(predictor), JSONRenderer.render(try JSONText.parse(json), pretty: false), file: file, line: line)
    }

    // MARK: the import forms of Cog's table

    func testEveryImportFormReadsTheOtherFile() throws {
        let forms: [(files: [String: String], imports: String, returns: String)] = [
            (["output_types.py": Self.prediction], "from output_types import Prediction", "Prediction"),
            (["output_types.py": Self.prediction], "from .output_types import Prediction", "Prediction"),
            (["models/output.py": Self.prediction], "from models.output import Prediction", "Prediction"),
            (["models/output.py": Self.prediction], "from .models.output import Prediction", "Prediction"),
            (["output_types.py": Self.prediction], "from output_types import Prediction as Result", "Result"),
            (["output_types.py": Self.prediction], "from .output_types import Prediction as Result", "Result"),
            (["output_types.py": Self.prediction], "from . import output_types", "output_types.Prediction"),
            (["output_types.py": Self.prediction], "import output_types", "output_types.Prediction"),
            (["output_types.py": Self.prediction], "import output_types as ot", "ot.Prediction"),
            (["models/output.py": Self.prediction], "import models.output", "models.output.Prediction"),
            (["models/output.py": Self.prediction], "import models.output as mo", "mo.Prediction"),
            // A module of a package (models/ without __init__.py, as Cog's test has it).
            (["models/output.py": Self.prediction], "from models import output", "output.Prediction"),
            (["models/output.py": Self.prediction], "from models import output as o", "o.Prediction"),
            (["output_types.py": Self.prediction], "from output_types import (\n    Prediction,\n)", "Prediction"),
            // A forward reference in quotes names the same class.
            (["output_types.py": Self.prediction], "from output_types import Prediction", "\"Prediction\""),
        ]
        for (files, imports, returns) in forms {
            try freshModel()
            try write(files.merging(["predict.py": Self.predictor(imports, returns: returns)]) { a, _ in a })
            XCTAssertEqual(try output(), JSONRenderer.render(try JSONText.parse(Self.predictionSchema), pretty: false), imports)
        }
    }

    /// cog.yaml's `predict: "sub/predict.py:Predictor"`: `.` is sub/, an absolute import starts at
    /// the model folder (Cog runs the model there), `..` is the model folder.
    func testAPredictorInAFolder() throws {
        try write(["sub/near.py": Self.prediction.replacingOccurrences(of: "Prediction", with: "Near"),
                   "models/output.py": Self.prediction,
                   "shared.py": Self.prediction.replacingOccurrences(of: "Prediction", with: "Shared"),
                   "sub/predict.py": """
                       from cog import BasePredictor, BaseModel
                       from .near import Near
                       from models.output import Prediction
                       from ..shared import Shared

                       class Output(BaseModel):
                           near: Near
                           far: Prediction
                           shared: Shared

                       class Predictor(BasePredictor):
                           def predict(self, prompt: str) -> Output:
                               pass
                       """])
        let object = #"{"properties":{"score":{"title":"Score","type":"number"},"text":{"title":"Text","type":"string"}},"required":["text","score"],"type":"object"}"#
        func titled(_ t: String) -> String { object.replacingOccurrences(of: #""type":"object"}"#, with: #""title":"\#(t)","type":"object"}"#) }
        try expect(#"{"properties":{"far":\#(titled("Far")),"near":\#(titled("Near")),"shared":\#(titled("Shared"))},"required":["near","far","shared"],"title":"Output","type":"object"}"#,
                   "sub/predict.py")
        // `./sub/predict.py` is the same file.
        try expect(#"{"properties":{"far":\#(titled("Far")),"near":\#(titled("Near")),"shared":\#(titled("Shared"))},"required":["near","far","shared"],"title":"Output","type":"object"}"#,
                   "./sub/predict.py")
    }

    /// `from models import Prediction` where models/__init__.py defines it: Cog's generator reads
    /// no `__init__.py` (only `models.py`, or a module `models/Prediction.py`), so neither does
    /// this; the error says so.
    func testAPackagesInitIsNotRead() throws {
        try write(["models/__init__.py": Self.prediction, "predict.py": Self.predictor("from models import Prediction")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 5))
        XCTAssertTrue(e.message.contains("cannot resolve type 'Prediction' (imported from 'models')"), e.message)
        XCTAssertTrue(e.message.contains("models/__init__.py is not read"), e.message)
    }

    // MARK: chains, cycles, what is not there

    func testANestedImportChain() throws {
        try write([
            "models/details.py": "from cog import BaseModel\n\nclass Details(BaseModel):\n    tokens: int\n",
            // Relative to models/, then through a file that only imports the class again.
            "models/output.py": "from cog import BaseModel\nfrom .details import Details\n\nclass Prediction(BaseModel):\n    text: str\n    details: Details\n",
            "api.py": "from models.output import Prediction\n",
            "predict.py": Self.predictor("from api import Prediction"),
        ])
        try expect(#"{"properties":{"details":{"properties":{"tokens":{"title":"Tokens","type":"integer"}},"required":["tokens"],"title":"Details","type":"object"},"text":{"title":"Text","type":"string"}},"required":["text","details"],"title":"Output","type":"object"}"#)
    }

    /// Two models of two files that contain each other: the one that recurs is an opaque object,
    /// as Cog writes it (`TestCrossFileCyclicImportsWithAlias`: `AA`, an alias of `A`, is
    /// expanded once, then `B` recurs).
    func testModelsOfTwoFilesThatContainEachOther() throws {
        try write([
            "a.py": "from cog import BaseModel\nfrom b import B\n\nclass A(BaseModel):\n    b: B\n",
            "b.py": "from cog import BaseModel\nfrom a import A as AA\n\nclass B(BaseModel):\n    a: AA\n",
            "predict.py": Self.predictor("from a import A", returns: "A"),
        ])
        try expect(#"{"properties":{"b":{"properties":{"a":{"properties":{"b":{"title":"B","type":"object"}},"required":["b"],"title":"A","type":"object"}},"required":["a"],"title":"B","type":"object"}},"required":["b"],"title":"Output","type":"object"}"#)
    }

    func testAnImportCycleThatNeverDefinesTheName() throws {
        try write(["a.py": "from b import X\n", "b.py": "\nfrom a import X\n", "predict.py": Self.predictor("from a import X", returns: "X")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "b.py", line: 2))
        XCTAssertTrue(e.message.contains("import it from each other (a.py:X → b.py:X → a.py:X)"), e.message)
    }

    /// No such file in the model: another package, the error of today.
    func testAMissingLocalFileIsAnotherPackage() throws {
        try write(["models/output.py": Self.prediction, "predict.py": Self.predictor("from models.outputs import Prediction")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 5))
        XCTAssertTrue(e.message.contains("cannot resolve type 'Prediction' (imported from 'models.outputs'): types from other packages"), e.message)
    }

    func testAFileWithoutTheClass() throws {
        try write(["models/output.py": Self.prediction, "predict.py": Self.predictor("from models.output import Result", returns: "Result")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 2))
        XCTAssertTrue(e.message.contains("models/output.py has no class Result"), e.message)
    }

    /// Without the model's files (a source alone), every import is another package's.
    func testWithoutTheFolderImportsAreOtherPackages() throws {
        let source = Self.predictor("from models.output import Prediction")
        XCTAssertThrowsError(try SchemaGenerator.document(source: source, file: "predict.py", target: "Predictor", mode: .predict, version: "1")) { error in
            XCTAssertTrue("\(error)".contains("imported from 'models.output'"), "\(error)")
        }
    }

    // MARK: the folder's edge

    func testASymlinkedFolderOutOfTheModelIsRefused() throws {
        try write(["predict.py": Self.predictor("from models.passwd import Prediction")])
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("models").path, withDestinationPath: "/etc")
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 2))
        XCTAssertTrue(e.message.contains("outside the model folder"), e.message)
    }

    /// Deeper than the symlink, where the host has nothing: refused all the same, so that the
    /// answer does not tell whether /etc/no-such-folder exists.
    func testAFolderBelowASymlinkOutOfTheModelIsRefused() throws {
        try write(["predict.py": Self.predictor("from models.no_such_folder.out import Prediction")])
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("models").path, withDestinationPath: "/etc")
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 2))
        XCTAssertTrue(e.message.contains("'models' is outside the model folder"), e.message)
    }

    func testASymlinkedFileOutOfTheModelIsNeverRead() throws {
        try write(["predict.py": Self.predictor("from output import Prediction")])
        // A file of the host with Python in it: were it read, the schema would have its class.
        let host = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-xfile-host-\(UUID().uuidString).py")
        try Self.prediction.write(to: host, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: host) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("output.py").path, withDestinationPath: host.path)
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 2))
        XCTAssertTrue(e.message.contains("'output.py' is outside the model folder"), e.message)
        XCTAssertFalse(e.message.contains(host.path), e.message)
    }

    func testRelativeImportsAboveTheModelFolder() throws {
        try write(["predict.py": Self.predictor("from ..shared import Prediction"),
                   "sub/predict.py": Self.predictor("from ...shared import Prediction")])
        for file in ["predict.py", "sub/predict.py"] {
            let e = try XCTUnwrap(failure(file))
            XCTAssertEqual(e.source, Provenance(file: file, line: 2))
            XCTAssertTrue(e.message.contains("climbs above the model folder"), e.message)
        }
    }

    // MARK: errors in the other file name it

    func testAnUnsupportedFieldInTheOtherFileNamesItsLine() throws {
        try write(["models/output.py": "from cog import BaseModel\nimport torch\n\nclass Prediction(BaseModel):\n    text: str\n    data: torch.Tensor\n",
                   "predict.py": Self.predictor("from models.output import Prediction")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "models/output.py", line: 6))
        XCTAssertTrue(e.message.contains("field data of Prediction: cannot resolve type 'Tensor' (imported from 'torch')"), e.message)
    }

    func testAnErrorTwoFilesAwayNamesThatFile() throws {
        try write(["models/details.py": "from cog import BaseModel\n\nclass Details(BaseModel):\n    when: set[str]\n",
                   "models/output.py": "from cog import BaseModel\nfrom models.details import Details\n\nclass Prediction(BaseModel):\n    details: Details\n",
                   "predict.py": Self.predictor("from models.output import Prediction")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "models/details.py", line: 4))
        XCTAssertTrue(e.message.contains("field when of Details: unsupported output type set[str]"), e.message)
    }

    func testAnUnreadableOtherFileNamesItsLine() throws {
        try write(["models/output.py": "from cog import BaseModel\n\nclass Prediction(BaseModel):\n    text: str = \"unterminated\n",
                   "predict.py": Self.predictor("from models.output import Prediction")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source.file, "models/output.py")
        XCTAssertEqual(e.source.line, 4)
    }

    func testAClassOfTheOtherFileThatIsNotAModel() throws {
        try write(["output.py": "\nclass Prediction:\n    text: str\n", "predict.py": Self.predictor("from output import Prediction")])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 5))
        XCTAssertTrue(e.message.contains("unsupported output type Prediction (output.py:2): a class returned by a predictor must be a BaseModel subclass"), e.message)
    }

    /// A field Cog cannot type fails at its own line, in the predictor's file as in another.
    func testAFieldOfThePredictorsFileFailsAtItsLine() throws {
        try write(["predict.py": "from cog import BasePredictor, BaseModel\n\nclass Prediction(BaseModel):\n    text: str\n    tags: set[str]\n\nclass Predictor(BasePredictor):\n    def predict(self, prompt: str) -> Prediction:\n        pass\n"])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 5))
        XCTAssertTrue(e.message.contains("field tags of Prediction: unsupported output type set[str]"), e.message)
    }

    // MARK: limits

    func testAReExportChainLongerThanTheLimit() throws {
        var files = ["m40.py": Self.prediction, "predict.py": Self.predictor("from m0 import Prediction")]
        for i in 0..<40 { files["m\(i).py"] = "from m\(i + 1) import Prediction\n" }
        try write(files)
        let e = try XCTUnwrap(failure())
        XCTAssertTrue(e.source.file.hasPrefix("m"), "\(e.source)")
        XCTAssertTrue(e.message.contains("imported through more than \(ModelModules.hopLimit) files"), e.message)
    }

    func testMoreFilesThanTheLimit() throws {
        var files: [String: String] = [:]
        var imports = ""
        var fields = ""
        for i in 0..<70 {
            files["t\(i).py"] = "from cog import BaseModel\n\nclass T\(i)(BaseModel):\n    x: int\n"
            imports += "from t\(i) import T\(i)\n"
            fields += "    f\(i): T\(i)\n"
        }
        files["predict.py"] = "from cog import BasePredictor, BaseModel\n" + imports + "\nclass Prediction(BaseModel):\n" + fields
            + "\nclass Predictor(BasePredictor):\n    def predict(self, prompt: str) -> Prediction:\n        pass\n"
        try write(files)
        let e = try XCTUnwrap(failure())
        // The import of the first file past the limit (t64, on line 66).
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 2 + ModelModules.fileLimit))
        XCTAssertTrue(e.message.contains("more than \(ModelModules.fileLimit) files"), e.message)
    }

    // MARK: a predictor inherited from another file

    /// `predict` inherited from a class of another file (Cog's `TestRunnerWithImportedInheritedRun`
    /// and its qualified form): read with that file's imports (its `Input`, its `List`).
    func testAPredictMethodInheritedFromAnotherFile() throws {
        let shared = "from cog import BasePredictor, Input\nfrom typing import List\n\nclass Shared(BasePredictor):\n    def predict(self, s: str = Input(default=\"x\")) -> List[str]:\n        pass\n"
        for predictor in ["from shared import Shared\n\nclass Predictor(Shared):\n    pass\n",
                          "import shared\n\nclass Predictor(shared.Shared):\n    pass\n"] {
            try freshModel()
            try write(["shared.py": shared, "predict.py": predictor])
            let text = try String(contentsOf: root.appendingPathComponent("predict.py"), encoding: .utf8)
            let doc = try SchemaGenerator.document(source: text, file: "predict.py", target: "Predictor", mode: .predict, version: "1",
                                                   files: try ModelFolder(root)).json
            XCTAssertEqual(doc["components", "schemas", "Input", "properties", "s"].map { JSONRenderer.render($0, pretty: false) },
                           JSONRenderer.render(try JSONText.parse(#"{"default":"x","title":"S","type":"string","x-order":0}"#), pretty: false))
            XCTAssertEqual(doc["components", "schemas", "Output"].map { JSONRenderer.render($0, pretty: false) },
                           JSONRenderer.render(try JSONText.parse(#"{"items":{"type":"string"},"title":"Output","type":"array"}"#), pretty: false))
        }
    }

    func testAnInheritedPredictFailsAtItsOwnLine() throws {
        try write(["shared.py": "from cog import BasePredictor\n\nclass Shared(BasePredictor):\n    def predict(self, s: set[str]) -> str:\n        pass\n",
                   "predict.py": "from shared import Shared\n\nclass Predictor(Shared):\n    pass\n"])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "shared.py", line: 4))
        XCTAssertTrue(e.message.contains("set[...] is not a supported input type"), e.message)
    }

    /// Cog reads module-level constants of the predictor's file only (`collectModuleScope` on its
    /// own tree): a default imported from another file is not a literal to it, nor here.
    func testConstantsOfAnotherFileAreNotDefaults() throws {
        try write(["defaults.py": "STEPS = 20\n",
                   "predict.py": "from cog import BasePredictor, Input\nfrom defaults import STEPS\n\nclass Predictor(BasePredictor):\n    def predict(self, steps: int = Input(default=STEPS)) -> str:\n        pass\n"])
        let e = try XCTUnwrap(failure())
        XCTAssertEqual(e.source, Provenance(file: "predict.py", line: 5))
        XCTAssertTrue(e.message.contains("cannot be statically resolved"), e.message)
    }
}

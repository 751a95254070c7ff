import Foundation
import Rules
@testable import Schema
import XCTest

/// `-i NAME=VALUE` typed by a predictor's document, as `cogpack predict` sends it.
final class PredictionInputsTests: XCTestCase {
    static let source = InputCaseTests.header + """

            def predict(self, prompt: str, steps: int = Input(default=20, ge=1), scale: float = 7.5,
                        upscale: bool = False, image: Path = None, seeds: List[int] = [1],
                        mode: str = Input(default="fast", choices=["fast", "slow"]),
                        size: int = Input(default=512, choices=[256, 512]),
                        extra: Any = None, either: Union[int, str] = 0) -> str:
                pass
        """

    static let inputs = Result { PredictionInputs(document: try InputCaseTests.document(source)) }

    private func typed(_ arguments: [String], files: [String: Data] = [:]) throws -> [String: JSONValue] {
        try Self.inputs.get().values(arguments) { path, name in
            guard let data = files[path] else { throw InputError(.flag("-i \(name)"), "cannot read \(path)") }
            return data
        }
    }

    private func error(_ arguments: [String]) -> InputError? {
        do {
            _ = try typed(arguments)
            return nil
        } catch let e as InputError {
            return e
        } catch {
            return nil
        }
    }

    func testValuesTakeTheirSchemaTypes() throws {
        let v = try typed(["prompt=a cat", "steps=30", "scale=2", "upscale=true", "extra={\"k\": [1, 2]}", "either=5"])
        XCTAssertEqual(v["prompt"], .string("a cat"))
        XCTAssertEqual(v["steps"], .integer(30))
        XCTAssertEqual(v["scale"], .number(2))
        XCTAssertEqual(v["upscale"], .bool(true))
        XCTAssertEqual(v["extra"], .object(["k": .array([.integer(1), .integer(2)])]))
        XCTAssertEqual(v["either"], .integer(5), "a union takes the narrowest type the text reads as")
        XCTAssertEqual(try typed(["either=five"])["either"], .string("five"))
        XCTAssertEqual(try typed(["prompt=steps=3"])["prompt"], .string("steps=3"), "only the first = splits")
    }

    func testAListTakesOneArgumentPerElementOrAJSONArray() throws {
        XCTAssertEqual(try typed(["seeds=1", "seeds=2"])["seeds"], .array([.integer(1), .integer(2)]))
        XCTAssertEqual(try typed(["seeds=[3, 4]"])["seeds"], .array([.integer(3), .integer(4)]))
        XCTAssertEqual(try typed(["seeds=5"])["seeds"], .array([.integer(5)]))
        XCTAssertEqual(error(["seeds=1", "seeds=x"])?.source, .flag("-i seeds"))
    }

    func testAFileBecomesADataURL() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47])
        let v = try typed(["image=@photo.png"], files: ["photo.png": png])
        XCTAssertEqual(v["image"], .string("data:image/png;base64,iVBORw=="))
        XCTAssertEqual(try typed(["image=https://example.com/a.jpg"])["image"], .string("https://example.com/a.jpg"))
        XCTAssertEqual(error(["image=@missing.png"])?.source, .flag("-i image"))
        XCTAssertEqual(error(["image=@"])?.source, .flag("-i image"))
    }

    func testChoicesAreChecked() throws {
        XCTAssertEqual(try typed(["mode=slow", "size=256"])["size"], .integer(256))
        let e = try XCTUnwrap(error(["mode=medium"]))
        XCTAssertEqual(e.source, .flag("-i mode"))
        XCTAssertTrue(e.message.contains(#""fast", "slow""#), e.message)
        XCTAssertEqual(error(["size=300"])?.source, .flag("-i size"))
    }

    func testBadInputNamesTheInput() throws {
        let unknown = try XCTUnwrap(error(["nope=1"]))
        XCTAssertEqual(unknown.source, .flag("-i nope"))
        XCTAssertTrue(unknown.message.hasSuffix("its inputs are prompt, steps, scale, upscale, image, seeds, mode, size, extra, either"), unknown.message)
        XCTAssertEqual(error(["steps=many"])?.source, .flag("-i steps"))
        XCTAssertEqual(error(["steps=2.5"])?.source, .flag("-i steps"))
        XCTAssertEqual(error(["scale=fast"])?.source, .flag("-i scale"))
        XCTAssertEqual(error(["upscale=maybe"])?.source, .flag("-i upscale"))
        XCTAssertEqual(error(["steps=1", "steps=2"])?.source, .flag("-i steps"), "a scalar given twice")
        XCTAssertEqual(error(["steps"])?.source, .flag("-i"))
        XCTAssertEqual(error(["=1"])?.source, .flag("-i"))
    }

    func testWithoutADocumentValuesAreStrings() throws {
        let v = try PredictionInputs(document: nil).values(["n=3", "n=4", "f=@a.txt", "s=x"]) { _, _ in Data("hi".utf8) }
        XCTAssertEqual(v["n"], .array([.string("3"), .string("4")]))
        XCTAssertEqual(v["f"], .string("data:text/plain;base64,aGk="))
        XCTAssertEqual(v["s"], .string("x"))
    }

    func testATrainerDocumentTypesTrainingInputs() throws {
        let source = InputCaseTests.header + "\n    def train(self, epochs: int) -> str:\n        pass\n"
        let document = try InputCaseTests.document(source, mode: .train)
        XCTAssertEqual(try PredictionInputs(document: document, mode: .train).values(["epochs=3"]) { _, _ in Data() }["epochs"], .integer(3))
    }

    func testDataURLsRoundTrip() throws {
        let data = Data((0..<200).map { UInt8($0) })
        let decoded = try XCTUnwrap(DataURL.decode(DataURL.encode(data, mimeType: "image/webp")))
        XCTAssertEqual(decoded.mimeType, "image/webp")
        XCTAssertEqual(decoded.data, data)
        XCTAssertEqual(DataURL.fileExtension(forMimeType: decoded.mimeType), "webp")
        XCTAssertEqual(DataURL.fileExtension(forMimeType: "image/jpeg"), "jpg")
        XCTAssertEqual(DataURL.fileExtension(forMimeType: "application/x-unknown"), "bin")
        XCTAssertEqual(DataURL.decode("data:,hello%20world")?.data, Data("hello world".utf8))
        XCTAssertNil(DataURL.decode("https://example.com/x.png"))
    }

    func testAPredictorAndTrainerMakeOneDocument() throws {
        let predict = try SchemaGenerator.document(source: InputCaseTests.predictor("n: int"), file: "predict.py", target: "Predictor", mode: .predict, version: "1")
        let trainSource = InputCaseTests.header + "\n    def train(self, epochs: int) -> str:\n        pass\n"
        let train = try SchemaGenerator.document(source: trainSource, file: "train.py", target: "Predictor", mode: .train, version: "1")
        let merged = try XCTUnwrap(ModelDocument.combined(predict: predict, train: train))
        guard case .object(let paths)? = merged["paths"], case .object(let schemas)? = merged["components"]?["schemas"] else {
            return XCTFail("no paths or schemas")
        }
        XCTAssertEqual(Set(paths.keys), ["/", "/health-check", "/predictions", "/predictions/{prediction_id}/cancel", "/trainings", "/trainings/{training_id}/cancel"])
        XCTAssertNotNil(schemas["Input"])
        XCTAssertNotNil(schemas["TrainingInput"])
        XCTAssertEqual(schemas["Output"], predict.json["components"]?["schemas"]?["Output"], "the predictor's entries win")
        XCTAssertEqual(ModelDocument.combined(predict: predict, train: nil), predict.json)
        XCTAssertNil(ModelDocument.combined(predict: nil, train: nil))
        XCTAssertEqual(try JSONValue.parse(Data(ModelDocument.text(merged).utf8)), merged, "the text reads back as the same document")
    }

    /// `-i name=null` for an input whose default is None leaves it out, which is None to the
    /// server (it refuses an explicit null); an input with another default keeps the null.
    func testNullForAnInputWhoseDefaultIsNoneIsLeftOut() throws {
        let source = InputCaseTests.header + """

                def predict(self, nickname: Optional[str] = Input(default=None), n: Optional[int] = Input(default=3)) -> str:
                    pass
            """
        let inputs = PredictionInputs(document: try InputCaseTests.document(source))
        let v = try inputs.values(["nickname=null", "n=null"]) { _, _ in Data() }
        XCTAssertNil(v["nickname"])
        XCTAssertEqual(v["n"], .null)
        XCTAssertEqual(try inputs.values(["nickname=bob"]) { _, _ in Data() }["nickname"], .string("bob"))
    }
}

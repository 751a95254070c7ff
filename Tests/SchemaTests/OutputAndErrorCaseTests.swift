import Rules
@testable import Schema
import XCTest

/// Return annotations → `components.schemas.Output`, and the predictors Cog refuses, each with
/// the line at fault.
final class OutputAndErrorCaseTests: XCTestCase {
    static let models = """

        class Result(BaseModel):
            text: str
            score: float
            notes: Optional[str] = None
            tags: list[str] = []

        class Nested(BaseModel):
            result: Result
            count: int

        class Tree(BaseModel):
            name: str
            children: list["Tree"]

        class NotAModel:
            x: int

        """

    static func predictor(_ returns: String, parameters: String = "text: str") -> String {
        InputCaseTests.header.replacingOccurrences(of: "\n\nclass Predictor", with: "\nimport cog\nimport typing\nfrom cog import AsyncConcatenateIterator\n" + models + "\nclass Predictor")
            + "\n    def predict(self, \(parameters)) -> \(returns):\n        pass\n"
    }

    static let outputCases: [(String, String)] = [
        ("str", #"{"title":"Output","type":"string"}"#),
        ("int", #"{"title":"Output","type":"integer"}"#),
        ("float", #"{"title":"Output","type":"number"}"#),
        ("bool", #"{"title":"Output","type":"boolean"}"#),
        ("Path", #"{"format":"uri","title":"Output","type":"string"}"#),
        ("cog.Path", #"{"format":"uri","title":"Output","type":"string"}"#),
        ("File", #"{"format":"uri","title":"Output","type":"string"}"#),
        ("Any", #"{"title":"Output","type":"object"}"#),
        ("dict", #"{"title":"Output","type":"object"}"#),
        ("Dict", #"{"title":"Output","type":"object"}"#),
        ("dict[str, str]", #"{"additionalProperties":{"type":"string"},"title":"Output","type":"object"}"#),
        ("dict[str, int]", #"{"additionalProperties":{"type":"integer"},"title":"Output","type":"object"}"#),
        ("dict[str, list[int]]", #"{"additionalProperties":{"items":{"type":"integer"},"type":"array"},"title":"Output","type":"object"}"#),
        ("dict[str, dict[str, Path]]", #"{"additionalProperties":{"additionalProperties":{"format":"uri","type":"string"},"type":"object"},"title":"Output","type":"object"}"#),
        ("list", #"{"items":{"type":"object"},"title":"Output","type":"array"}"#),
        ("list[str]", #"{"items":{"type":"string"},"title":"Output","type":"array"}"#),
        ("List[Path]", #"{"items":{"format":"uri","type":"string"},"title":"Output","type":"array"}"#),
        ("typing.List[int]", #"{"items":{"type":"integer"},"title":"Output","type":"array"}"#),
        ("list[list[float]]", #"{"items":{"items":{"type":"number"},"type":"array"},"title":"Output","type":"array"}"#),
        ("list[dict[str, str]]", #"{"items":{"additionalProperties":{"type":"string"},"type":"object"},"title":"Output","type":"array"}"#),
        ("list[dict]", #"{"items":{"type":"object"},"title":"Output","type":"array"}"#),
        ("Iterator[str]", #"{"items":{"type":"string"},"title":"Output","type":"array","x-cog-array-type":"iterator"}"#),
        ("Iterator[Path]", #"{"items":{"format":"uri","type":"string"},"title":"Output","type":"array","x-cog-array-type":"iterator"}"#),
        ("AsyncIterator[int]", #"{"items":{"type":"integer"},"title":"Output","type":"array","x-cog-array-type":"iterator"}"#),
        ("Iterator[list[str]]", #"{"items":{"items":{"type":"string"},"type":"array"},"title":"Output","type":"array","x-cog-array-type":"iterator"}"#),
        ("Iterator[dict[str, int]]", #"{"items":{"additionalProperties":{"type":"integer"},"type":"object"},"title":"Output","type":"array","x-cog-array-type":"iterator"}"#),
        ("ConcatenateIterator[str]", #"{"items":{"type":"string"},"title":"Output","type":"array","x-cog-array-display":"concatenate","x-cog-array-type":"iterator"}"#),
        ("AsyncConcatenateIterator[str]", #"{"items":{"type":"string"},"title":"Output","type":"array","x-cog-array-display":"concatenate","x-cog-array-type":"iterator"}"#),
        ("\"str\"", #"{"title":"Output","type":"string"}"#),
        ("Result", #"{"properties":{"notes":{"nullable":true,"title":"Notes","type":"string"},"score":{"title":"Score","type":"number"},"tags":{"items":{"type":"string"},"title":"Tags","type":"array"},"text":{"title":"Text","type":"string"}},"required":["text","score"],"title":"Output","type":"object"}"#),
        ("\"Result\"", #"{"properties":{"notes":{"nullable":true,"title":"Notes","type":"string"},"score":{"title":"Score","type":"number"},"tags":{"items":{"type":"string"},"title":"Tags","type":"array"},"text":{"title":"Text","type":"string"}},"required":["text","score"],"title":"Output","type":"object"}"#),
        ("Nested", #"{"properties":{"count":{"title":"Count","type":"integer"},"result":{"properties":{"notes":{"nullable":true,"title":"Notes","type":"string"},"score":{"title":"Score","type":"number"},"tags":{"items":{"type":"string"},"title":"Tags","type":"array"},"text":{"title":"Text","type":"string"}},"required":["text","score"],"title":"Result","type":"object"}},"required":["result","count"],"title":"Output","type":"object"}"#),
        ("list[Result]", #"{"items":{"properties":{"notes":{"nullable":true,"title":"Notes","type":"string"},"score":{"title":"Score","type":"number"},"tags":{"items":{"type":"string"},"title":"Tags","type":"array"},"text":{"title":"Text","type":"string"}},"required":["text","score"],"type":"object"},"title":"Output","type":"array"}"#),
        ("Iterator[Result]", #"{"items":{"properties":{"notes":{"nullable":true,"title":"Notes","type":"string"},"score":{"title":"Score","type":"number"},"tags":{"items":{"type":"string"},"title":"Tags","type":"array"},"text":{"title":"Text","type":"string"}},"required":["text","score"],"type":"object"},"title":"Output","type":"array","x-cog-array-type":"iterator"}"#),
        ("Tree", #"{"properties":{"children":{"items":{"type":"object"},"title":"Children","type":"array"},"name":{"title":"Name","type":"string"}},"required":["name","children"],"title":"Output","type":"object"}"#),
    ]

    func testOutputs() throws {
        for (returns, expected) in Self.outputCases {
            let doc: JSONValue
            do { doc = try InputCaseTests.document(Self.predictor(returns)) } catch {
                XCTFail("\(returns): \(error)")
                continue
            }
            let got = doc["components", "schemas", "Output"].map { JSONRenderer.render($0, pretty: false) } ?? "nil"
            XCTAssertEqual(got, JSONRenderer.render(try JSONText.parse(expected), pretty: false), returns)
        }
    }

    /// (source, line at fault, words the message must hold)
    static let errorCases: [(String, Int?, String)] = {
        let p = { (params: String, returns: String) in predictor(returns, parameters: params) }
        let defLine = 25
        return [
            // inputs
            (p("x: torch.Tensor", "str"), defLine, "cannot resolve type 'Tensor'"),
            (p("x: np.ndarray", "str"), defLine, "cannot resolve type 'ndarray'"),
            (p("x: Result", "str"), defLine, "a class is not an input type"),
            (p("x: Unknown", "str"), defLine, "unsupported input type Unknown"),
            (p("x: list", "str"), defLine, "unsupported input type list"),
            (p("x: set[str]", "str"), defLine, "set[...] is not a supported input type"),
            (p("x: tuple[int, int]", "str"), defLine, "tuple[...] is not a supported input type"),
            (p("x: list[list[int]]", "str"), defLine, "nested generics"),
            (p("x: list[Optional[int]]", "str"), defLine, "nested generics"),
            (p("x: Optional[int, str]", "str"), defLine, "Optional takes exactly one type"),
            (p("x: Path | str", "str"), defLine, "Path is not supported in a union"),
            (p("x: Secret | int", "str"), defLine, "Secret is not supported in a union"),
            (p("x: None", "str"), defLine, "unsupported input type None"),
            (p("x", "str"), defLine, "parameter 'x' on predict has no type annotation"),
            (p("x = 3", "str"), defLine, "has no type annotation"),
            (p("x: int = compute()", "str"), defLine, "cannot be statically resolved"),
            (p("x: int = Input(default=compute())", "str"), defLine, "cannot be statically resolved"),
            (p("x: int = UNDEFINED", "str"), defLine, "cannot be statically resolved"),
            (p("x: list[int] = Input(default_factory=list)", "str"), defLine, "default_factory is not supported"),
            (p("x: str = Input(choices=make())", "str"), defLine, "choices cannot be statically resolved"),
            (p("x: str = Input(choices=[c for c in \"ab\"])", "str"), defLine, "cannot be statically resolved"),
            (p("x: str = Input(colour=\"red\")", "str"), defLine, "Input() has no argument 'colour'"),
            (p("x: str = Input(\"a\", \"b\")", "str"), defLine, "one positional argument"),
            (p("x: str = Input(\"a\", default=\"b\")", "str"), defLine, "default twice"),
            (p("x: int = Input(ge=\"1\")", "str"), defLine, "ge=\"1\" must be a number"),
            (p("x: str = Input(min_length=-1)", "str"), defLine, "must be a whole number"),
            (p("x: str = Input(deprecated=1)", "str"), defLine, "must be True or False"),
            (p("x: str = Input(accept=\"image/*\")", "str"), defLine, "accept is only valid on Path or File inputs"),
            (p("x: str | int = Input(choices=[\"a\"])", "str"), defLine, "not supported on union inputs"),
            (p("x: str | int = Input(ge=1)", "str"), defLine, "not supported on union inputs"),
            // defaults against constraints (Cog's runtime refuses them at the first prediction)
            (p("x: int = Input(default=0, ge=1)", "str"), defLine, "default 0 is below ge=1"),
            (p("x: int = Input(default=11, le=10)", "str"), defLine, "default 11 is above le=10"),
            (p("x: float = Input(default=-0.5, ge=0.0, le=1.0)", "str"), defLine, "default -0.5 is below ge=0"),
            (p("x: list[int] = Input(default=[1, 20], le=10)", "str"), defLine, "default 20 is above le=10"),
            (p("x: str = Input(default=\"green\", choices=[\"red\", \"blue\"])", "str"), defLine, "default \"green\" is not one of the choices [\"red\",\"blue\"]"),
            (p("x: int = Input(default=3, choices=[1, 2])", "str"), defLine, "default 3 is not one of the choices"),
            (p("x: str = Input(default=\"a\", min_length=2)", "str"), defLine, "shorter than min_length=2"),
            (p("x: str = Input(default=\"abcdef\", max_length=3)", "str"), defLine, "longer than max_length=3"),
            (p("x: str = Input(default=\"abc\", regex=\"^[0-9]+$\")", "str"), defLine, "does not match regex"),
            (p("x: str = Input(regex=\"(\")", "str"), defLine, "not a valid regular expression"),
            (p("x: int = Input(ge=5, le=1)", "str"), defLine, "ge=5 is above le=1"),
            (p("x: str = Input(min_length=5, max_length=1)", "str"), defLine, "min_length=5 is above max_length=1"),
            (p("x: str = Input(ge=1)", "str"), defLine, "ge/le apply to int and float inputs"),
            (p("x: int = Input(max_length=3)", "str"), defLine, "apply to str inputs"),
            // outputs
            (p("x: str", "Optional[str]"), defLine, "Optional is not allowed as a return type"),
            (p("x: str", "str | None"), defLine, "Optional is not allowed as a return type"),
            (p("x: str", "Union[str, None]"), defLine, "Optional is not allowed as a return type"),
            (p("x: str", "str | int"), defLine, "union types are not supported as output"),
            (p("x: str", "None"), defLine, "unsupported output type None"),
            (p("x: str", "torch.Tensor"), defLine, "cannot resolve type 'Tensor' (imported from 'torch')"),
            (p("x: str", "Unknown"), defLine, "cannot resolve type 'Unknown'"),
            (p("x: str", "NotAModel"), defLine, "must be a BaseModel subclass"),
            (p("x: str", "ConcatenateIterator[int]"), defLine, "ConcatenateIterator element type must be str"),
            (p("x: str", "Generator[str, None, None]"), defLine, "streamed outputs are Iterator[T]"),
            (p("x: str", "set[str]"), defLine, "set[...] is not a supported output type"),
            (p("x: str", "dict[str]"), defLine, "dict takes a key and a value type"),
        ]
    }()

    func testErrors() {
        for (source, line, words) in Self.errorCases {
            do {
                let doc = try InputCaseTests.document(source)
                XCTFail("expected an error containing \(words), got \(JSONRenderer.render(doc["components", "schemas", "Input"] ?? .null, pretty: false))")
            } catch let e as InputError {
                XCTAssertEqual(e.source, Provenance(file: "predict.py", line: line), words)
                XCTAssertTrue(e.message.contains(words), "\(e.message) should contain \(words)")
            } catch {
                XCTFail("\(error)")
            }
        }
    }

    func testCaseCounts() {
        // Issue 9 asks for at least 150 cases across types, defaults, constraints, outputs, errors.
        let total = InputCaseTests.cases.count + InputCaseTests.requiredCases.count + InputCaseTests.enumCases.count
            + Self.outputCases.count + Self.errorCases.count
        XCTAssertGreaterThanOrEqual(total, 150)
    }
}

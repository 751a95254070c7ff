import Rules
@testable import Schema
import XCTest

/// One predictor parameter list → the `components.schemas.Input` property of one input, as
/// Cog's pkg/schema writes it (its openapi_spec.go and parser tests). Each expectation is the
/// whole property, so a stray or missing key fails.
final class InputCaseTests: XCTestCase {
    static let header = """
        from cog import BasePredictor, Input, Path, File, Secret, ConcatenateIterator, BaseModel
        from typing import List, Optional, Union, Iterator, AsyncIterator, Dict, Any

        class Predictor(BasePredictor):
        """

    static func predictor(_ parameters: String, returns: String = "str") -> String {
        header + "\n    def predict(self, \(parameters)) -> \(returns):\n        pass\n"
    }

    static func document(_ source: String, mode: SchemaMode = .predict, target: String = "Predictor") throws -> JSONValue {
        try SchemaGenerator.document(source: source, file: "predict.py", target: target, mode: mode, version: "0.23.1").json
    }

    /// (parameters, input name, expected property)
    static let cases: [(String, String, String)] = [
        // types
        ("text: str", "text", #"{"title":"Text","type":"string","x-order":0}"#),
        ("n: int", "n", #"{"title":"N","type":"integer","x-order":0}"#),
        ("x: float", "x", #"{"title":"X","type":"number","x-order":0}"#),
        ("flag: bool", "flag", #"{"title":"Flag","type":"boolean","x-order":0}"#),
        ("image: Path", "image", #"{"format":"uri","title":"Image","type":"string","x-order":0}"#),
        ("doc: File", "doc", #"{"format":"uri","title":"Doc","type":"string","x-order":0}"#),
        ("key: Secret", "key", #"{"format":"password","title":"Key","type":"string","writeOnly":true,"x-cog-secret":true,"x-order":0}"#),
        ("data: dict", "data", #"{"title":"Data","type":"object","x-order":0}"#),
        ("data: Dict", "data", #"{"title":"Data","type":"object","x-order":0}"#),
        ("data: dict[str, int]", "data", #"{"title":"Data","type":"object","x-order":0}"#),
        ("data: Dict[str, Any]", "data", #"{"title":"Data","type":"object","x-order":0}"#),
        ("value: Any", "value", #"{"title":"Value","type":"object","x-order":0}"#),
        ("words: list[str]", "words", #"{"items":{"type":"string"},"title":"Words","type":"array","x-order":0}"#),
        ("words: List[str]", "words", #"{"items":{"type":"string"},"title":"Words","type":"array","x-order":0}"#),
        ("ns: list[int]", "ns", #"{"items":{"type":"integer"},"title":"Ns","type":"array","x-order":0}"#),
        ("xs: List[float]", "xs", #"{"items":{"type":"number"},"title":"Xs","type":"array","x-order":0}"#),
        ("bs: list[bool]", "bs", #"{"items":{"type":"boolean"},"title":"Bs","type":"array","x-order":0}"#),
        ("images: list[Path]", "images", #"{"items":{"format":"uri","type":"string"},"title":"Images","type":"array","x-order":0}"#),
        ("files: List[File]", "files", #"{"items":{"format":"uri","type":"string"},"title":"Files","type":"array","x-order":0}"#),
        ("items: list[dict]", "items", #"{"items":{"type":"object"},"title":"Items","type":"array","x-order":0}"#),
        // optional forms
        ("text: Optional[str]", "text", #"{"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("text: str | None", "text", #"{"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("text: None | str", "text", #"{"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("text: Union[str, None]", "text", #"{"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("text: Optional[str] = None", "text", #"{"default":null,"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("text: Optional[str] = Input(default=None)", "text", #"{"default":null,"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("n: Optional[int] = Input(default=3)", "n", #"{"default":3,"nullable":true,"title":"N","type":"integer","x-order":0}"#),
        ("image: Optional[Path] = None", "image", #"{"default":null,"format":"uri","nullable":true,"title":"Image","type":"string","x-order":0}"#),
        ("images: Optional[list[Path]] = None", "images", #"{"default":null,"items":{"format":"uri","type":"string"},"nullable":true,"title":"Images","type":"array","x-order":0}"#),
        ("images: list[Path] | None = None", "images", #"{"default":null,"items":{"format":"uri","type":"string"},"nullable":true,"title":"Images","type":"array","x-order":0}"#),
        ("data: dict | None = None", "data", #"{"default":null,"nullable":true,"title":"Data","type":"object","x-order":0}"#),
        ("key: Optional[Secret] = Input(default=None)", "key", #"{"default":null,"format":"password","nullable":true,"title":"Key","type":"string","writeOnly":true,"x-cog-secret":true,"x-order":0}"#),
        // Cog's idiom: a bare Secret with default=None is optional.
        ("key: Secret = Input(default=None)", "key", #"{"default":null,"format":"password","nullable":true,"title":"Key","type":"string","writeOnly":true,"x-cog-secret":true,"x-order":0}"#),
        ("key: Secret = Input(description=\"API key\")", "key", #"{"description":"API key","format":"password","title":"Key","type":"string","writeOnly":true,"x-cog-secret":true,"x-order":0}"#),
        // None on a type that cannot be None is no default (Cog: a seed chosen at run time).
        ("seed: int = Input(default=None)", "seed", #"{"title":"Seed","type":"integer","x-order":0}"#),
        ("seed: int = None", "seed", #"{"title":"Seed","type":"integer","x-order":0}"#),
        // unions
        ("value: str | float", "value", #"{"anyOf":[{"type":"string"},{"type":"number"}],"title":"Value","x-order":0}"#),
        ("value: Union[str, int]", "value", #"{"anyOf":[{"type":"string"},{"type":"integer"}],"title":"Value","x-order":0}"#),
        ("value: str | float | None", "value", #"{"anyOf":[{"nullable":true,"type":"string"},{"nullable":true,"type":"number"}],"nullable":true,"title":"Value","x-order":0}"#),
        ("value: str | list[str]", "value", #"{"anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}],"title":"Value","x-order":0}"#),
        ("value: str | float = \"a\"", "value", #"{"anyOf":[{"type":"string"},{"type":"number"}],"default":"a","title":"Value","x-order":0}"#),
        // defaults
        ("text: str = \"hi\"", "text", #"{"default":"hi","title":"Text","type":"string","x-order":0}"#),
        ("text: str = 'hi'", "text", #"{"default":"hi","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=\"hi\")", "text", #"{"default":"hi","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(\"positional\")", "text", #"{"default":"positional","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=\"\")", "text", #"{"default":"","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=\"a\\nb\")", "text", #"{"default":"a\nb","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=\"say \\\"hi\\\"\")", "text", #"{"default":"say \"hi\"","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=r\"a\\d\")", "text", #"{"default":"a\\d","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=\"caf\\u00e9\")", "text", #"{"default":"café","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=\"a\" \"b\")", "text", #"{"default":"ab","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default='''x''')", "text", #"{"default":"x","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(default=\"# not a comment\")", "text", ##"{"default":"# not a comment","title":"Text","type":"string","x-order":0}"##),
        ("n: int = 5", "n", #"{"default":5,"title":"N","type":"integer","x-order":0}"#),
        ("n: int = 0", "n", #"{"default":0,"title":"N","type":"integer","x-order":0}"#),
        ("n: int = -1", "n", #"{"default":-1,"title":"N","type":"integer","x-order":0}"#),
        ("n: int = Input(default=-42)", "n", #"{"default":-42,"title":"N","type":"integer","x-order":0}"#),
        ("n: int = 1_000", "n", #"{"default":1000,"title":"N","type":"integer","x-order":0}"#),
        ("n: int = 0x10", "n", #"{"default":16,"title":"N","type":"integer","x-order":0}"#),
        ("x: float = 0.5", "x", #"{"default":0.5,"title":"X","type":"number","x-order":0}"#),
        ("x: float = 0.0", "x", #"{"default":0,"title":"X","type":"number","x-order":0}"#),
        ("x: float = 1.0", "x", #"{"default":1,"title":"X","type":"number","x-order":0}"#),
        ("x: float = -0.25", "x", #"{"default":-0.25,"title":"X","type":"number","x-order":0}"#),
        ("x: float = 1e-3", "x", #"{"default":0.001,"title":"X","type":"number","x-order":0}"#),
        ("x: float = 2.5e3", "x", #"{"default":2500,"title":"X","type":"number","x-order":0}"#),
        ("x: float = 1e-7", "x", #"{"default":1e-7,"title":"X","type":"number","x-order":0}"#),
        ("x: float = 3", "x", #"{"default":3,"title":"X","type":"number","x-order":0}"#),
        ("flag: bool = True", "flag", #"{"default":true,"title":"Flag","type":"boolean","x-order":0}"#),
        ("flag: bool = False", "flag", #"{"default":false,"title":"Flag","type":"boolean","x-order":0}"#),
        ("flag: bool = Input(default=False)", "flag", #"{"default":false,"title":"Flag","type":"boolean","x-order":0}"#),
        ("words: list[str] = [\"a\", \"b\"]", "words", #"{"default":["a","b"],"items":{"type":"string"},"title":"Words","type":"array","x-order":0}"#),
        ("words: list[str] = Input(default=[])", "words", #"{"default":[],"items":{"type":"string"},"title":"Words","type":"array","x-order":0}"#),
        ("ns: list[int] = Input(default=[1, 2, 3,])", "ns", #"{"default":[1,2,3],"items":{"type":"integer"},"title":"Ns","type":"array","x-order":0}"#),
        ("ns: list[int] = (1, 2)", "ns", #"{"default":[1,2],"items":{"type":"integer"},"title":"Ns","type":"array","x-order":0}"#),
        ("data: dict = Input(default={\"a\": 1})", "data", #"{"default":{"a":1},"title":"Data","type":"object","x-order":0}"#),
        ("data: dict = {}", "data", #"{"default":{},"title":"Data","type":"object","x-order":0}"#),
        // descriptions
        ("text: str = Input(description=\"The text\")", "text", #"{"description":"The text","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(description='single')", "text", #"{"description":"single","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(description=\"\"\"Triple\nquoted\"\"\")", "text", #"{"description":"Triple\nquoted","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(description=(\"one \"\n  \"two\"))", "text", #"{"description":"one two","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(description=\"tab\\there\")", "text", #"{"description":"tab\there","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(  # a comment\n  description=\"d\",  # another\n)", "text", #"{"description":"d","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(description=\"d\", default=\"x\")", "text", #"{"default":"x","description":"d","title":"Text","type":"string","x-order":0}"#),
        // numeric constraints
        ("n: int = Input(ge=1)", "n", #"{"minimum":1,"title":"N","type":"integer","x-order":0}"#),
        ("n: int = Input(le=10)", "n", #"{"maximum":10,"title":"N","type":"integer","x-order":0}"#),
        ("n: int = Input(default=5, ge=1, le=100)", "n", #"{"default":5,"maximum":100,"minimum":1,"title":"N","type":"integer","x-order":0}"#),
        ("x: float = Input(default=0.7, ge=0.0, le=2.0)", "x", #"{"default":0.7,"maximum":2,"minimum":0,"title":"X","type":"number","x-order":0}"#),
        ("x: float = Input(ge=-1.5, le=1.5)", "x", #"{"maximum":1.5,"minimum":-1.5,"title":"X","type":"number","x-order":0}"#),
        ("x: float = Input(ge=0.001)", "x", #"{"minimum":0.001,"title":"X","type":"number","x-order":0}"#),
        ("n: int = Input(default=1, ge=1, le=1)", "n", #"{"default":1,"maximum":1,"minimum":1,"title":"N","type":"integer","x-order":0}"#),
        ("n: Optional[int] = Input(default=None, ge=0)", "n", #"{"default":null,"minimum":0,"nullable":true,"title":"N","type":"integer","x-order":0}"#),
        ("ns: list[int] = Input(default=[1, 5], ge=0, le=9)", "ns", #"{"default":[1,5],"items":{"type":"integer"},"maximum":9,"minimum":0,"title":"Ns","type":"array","x-order":0}"#),
        // string constraints
        ("text: str = Input(min_length=1)", "text", #"{"minLength":1,"title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(max_length=280)", "text", #"{"maxLength":280,"title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(min_length=2, max_length=5, default=\"abc\")", "text", #"{"default":"abc","maxLength":5,"minLength":2,"title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(regex=\"^[a-z]+$\")", "text", #"{"pattern":"^[a-z]+$","title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(regex=r\"^\\d+$\", default=\"12\")", "text", #"{"default":"12","pattern":"^\\d+$","title":"Text","type":"string","x-order":0}"#),
        // deprecated
        ("text: str = Input(deprecated=True)", "text", #"{"deprecated":true,"title":"Text","type":"string","x-order":0}"#),
        ("text: str = Input(deprecated=False)", "text", #"{"title":"Text","type":"string","x-order":0}"#),
        // accept
        ("image: Path = Input(accept=\"image/*\")", "image", #"{"format":"uri","title":"Image","type":"string","x-cog-accept":"image/*","x-order":0}"#),
        ("doc: File = Input(accept=\".pdf,.txt\")", "doc", #"{"format":"uri","title":"Doc","type":"string","x-cog-accept":".pdf,.txt","x-order":0}"#),
        // choices: a reference to the enum schema named after the input, no title or type
        ("color: str = Input(choices=[\"red\", \"blue\"])", "color", ##"{"allOf":[{"$ref":"#/components/schemas/color"}],"x-order":0}"##),
        ("color: str = Input(default=\"red\", choices=[\"red\", \"blue\"], description=\"c\")", "color", ##"{"allOf":[{"$ref":"#/components/schemas/color"}],"default":"red","description":"c","x-order":0}"##),
        ("size: int = Input(default=512, choices=[256, 512, 1024])", "size", ##"{"allOf":[{"$ref":"#/components/schemas/size"}],"default":512,"x-order":0}"##),
        // a list with choices: each element is one of them (the reference in items, where the server checks each)
        ("tags: list[str] = Input(default=[\"x\"], choices=[\"x\", \"y\"])", "tags", ##"{"default":["x"],"items":{"allOf":[{"$ref":"#/components/schemas/tags"}]},"title":"Tags","type":"array","x-order":0}"##),
        ("tags: Optional[List[int]] = Input(default=None, choices=[1, 2])", "tags", ##"{"default":null,"items":{"allOf":[{"$ref":"#/components/schemas/tags"}]},"nullable":true,"title":"Tags","type":"array","x-order":0}"##),
        // titles
        ("num_inference_steps: int", "num_inference_steps", #"{"title":"Num Inference Steps","type":"integer","x-order":0}"#),
        ("_private: int", "_private", #"{"title":" Private","type":"integer","x-order":0}"#),
        ("camelCase: str", "camelCase", #"{"title":"CamelCase","type":"string","x-order":0}"#),
        // x-order follows the parameters
        ("a: str, b: int, c: float", "c", #"{"title":"C","type":"number","x-order":2}"#),
        ("a: str, *, b: int = 1", "b", #"{"default":1,"title":"B","type":"integer","x-order":1}"#),
        ("a: str, *args, b: int = 1, **kwargs", "b", #"{"default":1,"title":"B","type":"integer","x-order":1}"#),
        // annotations in other spellings
        ("text: \"str\"", "text", #"{"title":"Text","type":"string","x-order":0}"#),
        ("text: 'Optional[str]' = None", "text", #"{"default":null,"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("image: cog.Path", "image", #"{"format":"uri","title":"Image","type":"string","x-order":0}"#),
        ("words: typing.List[str]", "words", #"{"items":{"type":"string"},"title":"Words","type":"array","x-order":0}"#),
        ("text: typing.Optional[str] = None", "text", #"{"default":null,"nullable":true,"title":"Text","type":"string","x-order":0}"#),
        ("text: Annotated[str, \"meta\"]", "text", #"{"title":"Text","type":"string","x-order":0}"#),
        ("text: str = cog.Input(default=\"q\")", "text", #"{"default":"q","title":"Text","type":"string","x-order":0}"#),
        // module-level constants
        ("steps: int = Input(default=DEFAULT_STEPS)", "steps", #"{"default":20,"title":"Steps","type":"integer","x-order":0}"#),
        ("steps: int = DEFAULT_STEPS", "steps", #"{"default":20,"title":"Steps","type":"integer","x-order":0}"#),
        ("mode: str = Input(description=HELP)", "mode", #"{"description":"help text","title":"Mode","type":"string","x-order":0}"#),
    ]

    static let constants = "\nimport cog\nimport typing\nfrom typing import Annotated\nDEFAULT_STEPS = 20\nHELP = \"help text\"\nMODES = [\"a\", \"b\"]\nMORE = MODES + [\"c\"]\n"

    func testInputProperties() throws {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 100)
        for (parameters, name, expected) in Self.cases {
            let source = Self.predictor(parameters).replacingOccurrences(of: "\n\nclass", with: Self.constants + "\nclass")
            let doc: JSONValue
            do { doc = try Self.document(source) } catch {
                XCTFail("\(parameters): \(error)")
                continue
            }
            let got = doc["components", "schemas", "Input", "properties", name].map { JSONRenderer.render($0, pretty: false) } ?? "nil"
            let want = JSONRenderer.render(try JSONText.parse(expected), pretty: false)
            XCTAssertEqual(got, want, parameters)
        }
    }

    /// (parameters, the inputs `required` lists, in order; empty: no `required` key)
    static let requiredCases: [(String, [String])] = [
        ("text: str", ["text"]),
        ("text: str = \"x\"", []),
        ("text: Optional[str]", []),
        ("text: str | None = None", []),
        ("seed: int = Input(default=None)", ["seed"]),
        ("key: Secret = Input(default=None)", []),
        ("key: Secret", ["key"]),
        ("value: str | float", ["value"]),
        ("value: str | float | None", ["value"]),
        ("value: str | float | None = None", []),
        ("words: list[str]", ["words"]),
        ("words: list[str] | None", []),
        ("text: str, image: Path, count: int = 5", ["text", "image"]),
        ("a: int = Input(description=\"no default\"), b: int = 2", ["a"]),
        ("data: dict", ["data"]),
    ]

    func testRequired() throws {
        for (parameters, expected) in Self.requiredCases {
            let doc = try Self.document(Self.predictor(parameters))
            let got = doc["components", "schemas", "Input", "required"]
            XCTAssertEqual(got, expected.isEmpty ? nil : .array(expected.map { .string($0) }), parameters)
        }
    }

    /// (parameters, enum schema name, expected enum schema)
    static let enumCases: [(String, String, String)] = [
        ("color: str = Input(choices=[\"red\", \"blue\"])", "color", #"{"description":"An enumeration.","enum":["red","blue"],"title":"color","type":"string"}"#),
        ("size: int = Input(choices=[256, 512])", "size", #"{"description":"An enumeration.","enum":[256,512],"title":"size","type":"integer"}"#),
        ("ratio: float = Input(choices=[0.5, 1.0])", "ratio", #"{"description":"An enumeration.","enum":[0.5,1],"title":"ratio","type":"number"}"#),
        ("mode: str = Input(choices=MODES)", "mode", #"{"description":"An enumeration.","enum":["a","b"],"title":"mode","type":"string"}"#),
        ("mode: str = Input(choices=MORE)", "mode", #"{"description":"An enumeration.","enum":["a","b","c"],"title":"mode","type":"string"}"#),
        ("mode: str = Input(choices=MODES + [\"z\"])", "mode", #"{"description":"An enumeration.","enum":["a","b","z"],"title":"mode","type":"string"}"#),
        ("tags: list[str] = Input(choices=[\"x\", \"y\"])", "tags", #"{"description":"An enumeration.","enum":["x","y"],"title":"tags","type":"string"}"#),
        ("Mode_Name: str = Input(choices=[\"p\"])", "Mode_Name", #"{"description":"An enumeration.","enum":["p"],"title":"Mode_Name","type":"string"}"#),
    ]

    func testEnumSchemas() throws {
        for (parameters, name, expected) in Self.enumCases {
            let source = Self.predictor(parameters).replacingOccurrences(of: "\n\nclass", with: Self.constants + "\nclass")
            let doc = try Self.document(source)
            let got = doc["components", "schemas", name].map { JSONRenderer.render($0, pretty: false) } ?? "nil"
            XCTAssertEqual(got, JSONRenderer.render(try JSONText.parse(expected), pretty: false), parameters)
        }
    }
}

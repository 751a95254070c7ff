import Foundation
import XCTest

/// The example models of every input and output type Cog has, built and run against the real
/// engine: each image serves the document `cogpack schema` prints, answers real inputs with the
/// right output, and (typed-inputs) refuses each kind of bad input with 422.
final class ExampleModelsTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    // MARK: helpers

    /// A copy of `examples/<name>` in a scratch folder (so that nothing is written to the repo).
    private func example(_ name: String, as folder: String? = nil) throws -> URL {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("ex-models-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent(folder ?? name)
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/\(name)"), to: dir)
        return dir
    }

    /// `cogpack build DIR -t TAG`; the document `cogpack schema DIR` prints.
    private func build(_ dir: URL, tag: String) throws -> NSDictionary {
        let schema = try CLI.run(["schema", dir.path])
        XCTAssertEqual(schema.status, 0, schema.stderr)
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr)
        return try json(schema.stdout)
    }

    private func json(_ text: String) throws -> NSDictionary {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary, text)
    }

    private func jsonValue(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// Runs `image` with port 5000 published; the port once `/health-check` says READY.
    private func serve(_ image: String) throws -> Int {
        let name = "ex-run-\(UUID().uuidString.prefix(8).lowercased())"
        var port = 0
        for _ in 0..<5 where port == 0 {
            let p = 17000 + Int.random(in: 0..<2000)
            if try CLI.shell("docker run -d --name \(name) -p 127.0.0.1:\(p):5000 \(image)").status == 0 {
                port = p
            } else {
                _ = try CLI.shell("docker rm -f \(name)")
            }
        }
        XCTAssertNotEqual(port, 0, "the container of \(image) did not start")
        addTeardownBlock { _ = try? CLI.shell("docker rm -f \(name)") }
        var ready = false
        for _ in 0..<120 where !ready {
            ready = try CLI.shell("curl -fsS http://127.0.0.1:\(port)/health-check | grep -q READY").status == 0
            if !ready { Thread.sleep(forTimeInterval: 0.5) }
        }
        if !ready {
            XCTFail("the server of \(image) did not become ready: \(try CLI.shell("docker logs \(name) 2>&1 | tail -20").stdout)")
        }
        return port
    }

    /// `/openapi.json` of the running image is the document `cogpack schema` printed.
    private func assertServesSchema(port: Int, _ schema: NSDictionary, file: StaticString = #filePath, line: UInt = #line) throws {
        let served = try CLI.shell("curl -fsS http://127.0.0.1:\(port)/openapi.json")
        XCTAssertEqual(served.status, 0, served.stderr, file: file, line: line)
        XCTAssertEqual(try json(served.stdout), schema, "/openapi.json differs from `cogpack schema`", file: file, line: line)
    }

    /// `POST /predictions` with `{"input": input}`: the status and the body.
    private func post(port: Int, _ input: [String: Any]) throws -> (status: String, body: String) {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["input": input]), as: UTF8.self)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ex-body-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try CLI.shell("curl -sS -o '\(file.path)' -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary '\(body.replacingOccurrences(of: "'", with: "'\\''"))' http://127.0.0.1:\(port)/predictions")
        return (r.stdout, (try? String(contentsOf: file, encoding: .utf8)) ?? "")
    }

    private func write(_ text: String, _ name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Containers `cogpack predict` started that are still there.
    private func leftoverContainers() throws -> String {
        try CLI.shell("docker ps -aq --filter label=dev.cogpack.run").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: typed-inputs

    func testTypedInputsTakeEveryKindOfInputAndRefuseEachBrokenConstraint() throws {
        let dir = try example("typed-inputs")
        let tag = "ex-typed-inputs"
        let schema = try build(dir, tag: tag)
        let input = try XCTUnwrap((schema["components"] as? NSDictionary)?["schemas"] as? NSDictionary)["Input"] as? NSDictionary
        XCTAssertEqual(Set(input?["required"] as? [String] ?? []), ["text", "document"])
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)

        // Every input given, through `cogpack predict` with the image.
        let work = dir.deletingLastPathComponent()
        let document = try write("the document\n", "document.txt", in: work)
        let attachment = try write("attached text\n", "attachment.txt", in: work)
        let page1 = try write("page one\n", "page1.txt", in: work)
        let page2 = try write("page two\n", "page2.txt", in: work)
        let secret = "s3cret-value"
        let all = try CLI.run(["predict", "--image", tag, "-i", "text=hi", "-i", "document=@\(document.path)", "-i", "count=3",
                               "-i", "scale=2.5", "-i", "shout=true", "-i", "code=xy-987", "-i", "colour=blue", "-i", "size=4",
                               "-i", "attachment=@\(attachment.path)", "-i", "token=\(secret)",
                               "-i", "numbers=5", "-i", "numbers=6", "-i", "numbers=7", "-i", "tags=c", "-i", "tags=b",
                               "-i", "pages=@\(page1.path)", "-i", "pages=@\(page2.path)", "-i", "nickname=bob", "-i", "legacy=new"])
        XCTAssertEqual(all.status, 0, all.stderr)
        let got = try XCTUnwrap(try jsonValue(all.stdout) as? NSDictionary, all.stdout)
        let expected: NSDictionary = [
            "text": "HI HI HI", "scaled": 7.5, "shout": true, "code": "xy-987", "colour": "blue", "size": 4,
            "document": "the document", "attachment": "attached text", "token_length": secret.count, "sum": 18, "tags": ["c", "b"],
            "pages": ["page one", "page two"], "nickname": "bob", "legacy": "new",
        ]
        XCTAssertEqual(got, expected)
        XCTAssertTrue(all.stderr.contains("typed-inputs: setup done"), "the setup's logs are shown: \(all.stderr)")
        XCTAssertTrue(all.stderr.contains("typed-inputs: repeating 'hi' 3 times"), "the prediction's logs are shown: \(all.stderr)")
        XCTAssertFalse((all.stdout + all.stderr).contains(secret), "the secret is not shown")

        // Only the required inputs (and None for an optional one, which is left out: the server
        // refuses an explicit null): the defaults, and None for the optional ones.
        let defaults = try CLI.run(["predict", "--image", tag, "-i", "text=yo", "-i", "document=@\(document.path)", "-i", "nickname=null"])
        XCTAssertEqual(defaults.status, 0, defaults.stderr)
        let d = try XCTUnwrap(try jsonValue(defaults.stdout) as? NSDictionary, defaults.stdout)
        let expectedDefaults: NSDictionary = [
            "text": "yo yo", "scaled": 3.0, "shout": false, "code": "ab-123", "colour": "red", "size": 2,
            "document": "the document", "attachment": NSNull(), "token_length": NSNull(), "sum": 3, "tags": ["a"],
            "pages": [String](), "nickname": NSNull(), "legacy": "old",
        ]
        XCTAssertEqual(d, expectedDefaults)

        // The server refuses each broken constraint with 422, naming the input; a good request is 200.
        let good: [String: Any] = ["text": "hi", "document": "data:text/plain;base64,\(Data("doc".utf8).base64EncodedString())"]
        let ok = try post(port: port, good)
        XCTAssertEqual(ok.status, "200", ok.body)
        XCTAssertEqual((try json(ok.body))["status"] as? String, "succeeded", ok.body)
        // A list with choices takes a list of them (Cog's document would take one string only).
        let listed = try post(port: port, good.merging(["tags": ["b", "a"]]) { _, new in new })
        XCTAssertEqual(listed.status, "200", listed.body)
        let listedOutput = try XCTUnwrap((try json(listed.body))["output"] as? String, listed.body)
        XCTAssertEqual((try json(listedOutput))["tags"] as? [String], ["b", "a"])
        let broken: [(String, [String: Any], String)] = [
            ("a string for an int", ["count": "many"], "count"),
            ("a string for a bool", ["shout": "maybe"], "shout"),
            ("a string in a list of ints", ["numbers": [1, "two"]], "numbers"),
            ("below ge", ["count": 0], "count"),
            ("above le", ["count": 6], "count"),
            ("a float below ge", ["scale": 0.25], "scale"),
            ("a float above le", ["scale": 4.5], "scale"),
            ("shorter than min_length", ["text": "a"], "text"),
            ("longer than max_length", ["text": "abcdefghijklm"], "text"),
            ("not matching the regex", ["code": "abc-12"], "code"),
            ("not among the string choices", ["colour": "pink"], "colour"),
            ("not among the int choices", ["size": 3], "size"),
            ("a list element not among the choices", ["tags": ["a", "z"]], "tags"),
            ("one choice where a list of them goes", ["tags": "a"], "tags"),
        ]
        /// The input the 422 answer's first detail is about (`loc`: body, input, name or name/index).
        func refused(_ body: String) -> String? {
            let detail = ((try? json(body))?["detail"] as? [[String: Any]])?.first
            return ((detail?["loc"] as? [Any])?.last as? String)?.split(separator: "/").first.map(String.init)
        }
        for (what, change, field) in broken {
            let r = try post(port: port, good.merging(change) { _, new in new })
            XCTAssertEqual(r.status, "422", "\(what): \(r.body)")
            XCTAssertEqual(refused(r.body), field, "\(what): the answer names the input: \(r.body)")
        }
        for missing in ["text", "document"] {
            var request = good
            request[missing] = nil
            let r = try post(port: port, request)
            XCTAssertEqual(r.status, "422", "without \(missing): \(r.body)")
            XCTAssertEqual(refused(r.body), missing, "without \(missing): \(r.body)")
        }

        // `cogpack predict` turns the server's 422 into exit 2 naming the input.
        for (argument, field) in [("count=9", "count"), ("code=zz", "code"), ("text=x", "text")] {
            let r = try CLI.run(["predict", "--image", tag, "-i", "document=@\(document.path)", "-i", "text=hi", "-i", argument])
            XCTAssertEqual(r.status, 2, "\(argument): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("error: -i \(field)"), "\(argument): \(r.stderr)")
        }
        let missing = try CLI.run(["predict", "--image", tag, "-i", "text=hi"])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("-i document"), missing.stderr)
        XCTAssertEqual(try leftoverContainers(), "")
    }

    // MARK: streaming

    /// Runs cogpack and notes when each part of its standard output came, in seconds from the start.
    private func timedRun(_ arguments: [String]) throws -> (status: Int32, parts: [(TimeInterval, String)], stderr: String) {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let errData = LockedData()
        err.fileHandleForReading.readabilityHandler = { h in errData.append(h.availableData) }
        let start = Date()
        try process.run()
        var parts: [(TimeInterval, String)] = []
        while true {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            parts.append((Date().timeIntervalSince(start), String(decoding: d, as: UTF8.self)))
        }
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        errData.append(err.fileHandleForReading.readDataToEndOfFile())
        parts.append((Date().timeIntervalSince(start), ""))
        return (process.terminationStatus, parts, String(decoding: errData.value, as: UTF8.self))
    }

    func testStreamingTextIsPrintedAsItComes() throws {
        let dir = try example("streaming-text")
        let tag = "ex-streaming-text"
        let schema = try build(dir, tag: tag)
        let post = ((schema["paths"] as? NSDictionary)?["/predictions"] as? NSDictionary)?["post"] as? NSDictionary
        XCTAssertEqual(post?["x-cog-streaming"] as? Bool, true)
        let output = ((schema["components"] as? NSDictionary)?["schemas"] as? NSDictionary)?["Output"] as? NSDictionary
        XCTAssertEqual(output?["x-cog-array-display"] as? String, "concatenate")
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)

        // Three words 1.5 s apart: the first is on stdout well before the command ends.
        let r = try timedRun(["predict", "--image", tag, "-i", "text=alpha beta gamma", "-i", "delay=1.5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = r.parts.map(\.1).joined()
        XCTAssertEqual(text, "alpha beta gamma\n")
        let end = try XCTUnwrap(r.parts.last?.0)
        let first = try XCTUnwrap(r.parts.first { $0.1.contains("alpha") }?.0)
        XCTAssertGreaterThan(end - first, 2.0, "the first word came when the command ended: \(r.parts)")
        let firstBeta = try XCTUnwrap(r.parts.first { $0.1.contains("beta") }?.0)
        XCTAssertGreaterThan(firstBeta - first, 1.0, "the words came together: \(r.parts)")
        for i in 1...3 { XCTAssertTrue(r.stderr.contains("word \(i) of 3"), r.stderr) }

        // --json: the whole response, the output as the list of its chunks.
        let whole = try CLI.run(["predict", "--image", tag, "-i", "text=a b", "-i", "delay=0", "--json"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertEqual(try whole.json()["output"] as? [String], ["a ", "b"])
        XCTAssertEqual(try leftoverContainers(), "")
    }

    /// The streaming example without `@streaming`: the server refuses server-sent events (406),
    /// so `cogpack predict` asks for the whole answer and prints the text joined.
    func testAConcatenateIteratorWithoutStreamingIsPrintedWhole() throws {
        let dir = try example("streaming-text")
        let source = try String(contentsOf: dir.appendingPathComponent("predict.py"), encoding: .utf8)
        XCTAssertTrue(source.contains("    @streaming\n"))
        _ = try write(source.replacingOccurrences(of: "    @streaming\n", with: ""), "predict.py", in: dir)
        let tag = "ex-streaming-whole"
        let schema = try build(dir, tag: tag)
        let post = ((schema["paths"] as? NSDictionary)?["/predictions"] as? NSDictionary)?["post"] as? NSDictionary
        XCTAssertNil(post?["x-cog-streaming"])
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)
        let sse = try CLI.shell("curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H 'Accept: text/event-stream' -d '{\"input\": {\"text\": \"a b\"}}' http://127.0.0.1:\(port)/predictions")
        XCTAssertEqual(sse.stdout, "406", "a model without @streaming does not stream")
        let r = try CLI.run(["predict", "--image", tag, "-i", "text=alpha beta", "-i", "delay=0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "alpha beta\n")
        XCTAssertTrue(r.stderr.contains("word 2 of 2"), "the logs come with the answer: \(r.stderr)")
    }

    /// An `Iterator[int]` (the streaming example with another predict.py): one item a line.
    func testAnIteratorOfIntegersIsPrintedOneItemALine() throws {
        let dir = try example("streaming-text")
        _ = try write("""
            import time
            from typing import Iterator

            from cog import BasePredictor, Input, streaming


            class Predictor(BasePredictor):
                @streaming
                def predict(self, start: int = Input(description="Where to count down from", default=3, ge=1, le=10)) -> Iterator[int]:
                    for n in range(start, 0, -1):
                        yield n
                        time.sleep(1)
            """, "predict.py", in: dir)
        let tag = "ex-streaming-count"
        let schema = try build(dir, tag: tag)
        let output = ((schema["components"] as? NSDictionary)?["schemas"] as? NSDictionary)?["Output"] as? NSDictionary
        XCTAssertEqual(output?["x-cog-array-type"] as? String, "iterator")
        XCTAssertEqual((output?["items"] as? NSDictionary)?["type"] as? String, "integer")
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)
        let r = try timedRun(["predict", "--image", tag, "-i", "start=3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.parts.map(\.1).joined(), "3\n2\n1\n")
        let end = try XCTUnwrap(r.parts.last?.0)
        let first = try XCTUnwrap(r.parts.first { $0.1.contains("3") }?.0)
        XCTAssertGreaterThan(end - first, 1.5, "the first item came when the command ended: \(r.parts)")
    }

    // MARK: structured output

    func testStructuredOutputIsAnObjectOfTypedFields() throws {
        let dir = try example("structured-output")
        let tag = "ex-structured-output"
        let schema = try build(dir, tag: tag)
        let output = try XCTUnwrap(((schema["components"] as? NSDictionary)?["schemas"] as? NSDictionary)?["Output"] as? NSDictionary)
        XCTAssertEqual(output["type"] as? String, "object")
        let properties = try XCTUnwrap(output["properties"] as? NSDictionary)
        XCTAssertEqual((properties["words"] as? NSDictionary)?["type"] as? String, "integer")
        XCTAssertEqual((properties["mean_length"] as? NSDictionary)?["type"] as? String, "number")
        XCTAssertEqual((properties["palindrome"] as? NSDictionary)?["type"] as? String, "boolean")
        XCTAssertEqual((properties["lengths"] as? NSDictionary)?["type"] as? String, "array")
        XCTAssertEqual((properties["longest"] as? NSDictionary)?["nullable"] as? Bool, true)
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)

        let r = try CLI.run(["predict", "--image", tag, "-i", "text=Never odd or even"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected: NSDictionary = ["text": "Never odd or even", "words": 4, "mean_length": 3.5, "palindrome": true,
                                      "lengths": [5, 3, 2, 4], "longest": "Never"]
        XCTAssertEqual(try XCTUnwrap(try jsonValue(r.stdout) as? NSDictionary, r.stdout), expected)
        let empty = try CLI.run(["predict", "--image", tag, "--json"])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        let none: NSDictionary = ["text": "", "words": 0, "mean_length": 0.0, "palindrome": false, "lengths": [Int](), "longest": NSNull()]
        XCTAssertEqual(try empty.json()["output"] as? NSDictionary, none)
    }

    // MARK: an output class of another file

    /// The output's BaseModel lives in another file of the model, `models/output.py` (a folder
    /// without `__init__.py`, which Python 3 imports as a namespace package), and one of its
    /// fields in a third file it imports relatively: `cogpack schema` reads both, the image serves
    /// that document at `/openapi.json` and a prediction returns the object.
    func testAnOutputClassOfAnotherFileIsReadAndServed() throws {
        let dir = try ScratchModel.make(self, prefix: "cogpack-xf-model", files: [
            "models/stats.py": """
                from cog import BaseModel


                class Stats(BaseModel):
                    words: int
                    longest: str
                """,
            "models/output.py": """
                from typing import List

                from cog import BaseModel

                from .stats import Stats


                class Summary(BaseModel):
                    text: str
                    lengths: List[int]
                    stats: Stats
                """,
            "predict.py": """
                from cog import BasePredictor

                from models.output import Summary
                from models.stats import Stats


                class Predictor(BasePredictor):
                    def predict(self, text: str) -> Summary:
                        words = text.split()
                        return Summary(text=text, lengths=[len(w) for w in words],
                                       stats=Stats(words=len(words), longest=max(words, key=len)))
                """,
        ])
        let tag = "cogpack-xf-output"
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(tag)") }
        let schema = try build(dir, tag: tag)
        let output = try XCTUnwrap(((schema["components"] as? NSDictionary)?["schemas"] as? NSDictionary)?["Output"] as? NSDictionary)
        let expected: NSDictionary = [
            "title": "Output", "type": "object", "required": ["text", "lengths", "stats"],
            "properties": [
                "text": ["title": "Text", "type": "string"],
                "lengths": ["title": "Lengths", "type": "array", "items": ["type": "integer"]],
                "stats": ["title": "Stats", "type": "object", "required": ["words", "longest"],
                          "properties": ["words": ["title": "Words", "type": "integer"], "longest": ["title": "Longest", "type": "string"]]],
            ],
        ]
        XCTAssertEqual(output, expected)
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)

        let r = try post(port: port, ["text": "a bb ccc"])
        XCTAssertEqual(r.status, "200", r.body)
        let answer = try json(r.body)
        XCTAssertEqual(answer["status"] as? String, "succeeded", r.body)
        let object: NSDictionary = ["text": "a bb ccc", "lengths": [1, 2, 3], "stats": ["words": 3, "longest": "ccc"]]
        XCTAssertEqual(answer["output"] as? NSDictionary, object, r.body)
    }

    // MARK: async

    func testAsyncPredictorRunsPredictionsAtOnce() throws {
        let dir = try example("async-predictor")
        let tag = "ex-async-predictor"
        let schema = try build(dir, tag: tag)
        let env = try CLI.shell("docker image inspect \(tag) --format '{{json .Config.Env}}'").stdout
        XCTAssertTrue(env.contains("COG_MAX_CONCURRENCY=4"), env)  // concurrency: max: 4 in cog.yaml
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)

        // Five predictions of 2 s each, posted 0.1 s apart: four run at once (about 2 s in
        // all, not 8), the fifth finds every slot busy (409).
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ex-async-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let started = Date()
        let all = try CLI.shell("""
            cd '\(scratch.path)'
            for n in 1 2 3 4 5; do
              curl -sS -w ' %{http_code}' -X POST -H 'Content-Type: application/json' -d "{\\"input\\": {\\"name\\": \\"n$n\\", \\"delay\\": 2}}" http://127.0.0.1:\(port)/predictions > $n.txt &
              sleep 0.1
            done
            wait
            for n in 1 2 3 4 5; do cat $n.txt; echo; done
            """)
        let seconds = Date().timeIntervalSince(started)
        let answers = all.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(answers.count, 5, all.stdout + all.stderr)
        for (n, answer) in answers.prefix(4).enumerated() {
            XCTAssertTrue(answer.hasSuffix(" 200") && answer.contains("\"hello, n\(n + 1)\"") && answer.contains("\"succeeded\""), answer)
        }
        XCTAssertTrue(answers.last?.hasSuffix(" 409") == true, "the fifth finds the four slots busy: \(answers.last ?? "")")
        XCTAssertLessThan(seconds, 4.5, "four 2 s predictions took \(seconds) s: they ran one after another")

        let r = try CLI.run(["predict", "--image", tag, "-i", "name=async", "-i", "delay=0.5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "hello, async\n")
        XCTAssertTrue(r.stderr.contains("async-predictor: setup done"), r.stderr)
        XCTAssertTrue(r.stderr.contains("async-predictor: waiting 0.5 s for async"), r.stderr)
    }

    // MARK: weights

    func testSetupLoadsTheWeightsFileAndPredictUsesIt() throws {
        // Named so that `cogpack predict DIR` tags it cog-ex-setup-weights.
        let dir = try example("setup-weights", as: "ex-setup-weights")
        let tag = "ex-setup-weights"
        let schema = try build(dir, tag: tag)
        let port = try serve(tag)
        try assertServesSchema(port: port, schema)
        let weights = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("weights/scores.json"))) as? [String: Any])
        let bias = try XCTUnwrap(weights["bias"] as? Double)
        let scores = try XCTUnwrap(weights["scores"] as? [String: Double])
        let words = ["good", "Awful", "unknown", "great"]
        let r = try CLI.run(["predict", "--image", tag, "-i", "text=\(words.joined(separator: " "))"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let got = try XCTUnwrap(try jsonValue(r.stdout) as? [Double], r.stdout)
        XCTAssertEqual(got, words.map { (scores[$0.lowercased()] ?? 0) + bias })
        XCTAssertTrue(r.stderr.contains("setup-weights: loaded \(scores.count) word scores"), r.stderr)

        // Other weights in the folder, other answers: predict reads the file setup loaded.
        try #"{"bias": 1.0, "scores": {"good": 10.0}}"#.write(to: dir.appendingPathComponent("weights/scores.json"), atomically: true, encoding: .utf8)
        let other = try CLI.run(["predict", dir.path, "-i", "text=good bad"])
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertEqual(try jsonValue(other.stdout) as? [Double], [11.0, 1.0], other.stdout)
        _ = try? CLI.shell("docker rmi cog-ex-setup-weights >/dev/null 2>&1")
    }

    /// Two models of the same plan shape (hello and streaming-text: the same cog.yaml) built at
    /// once: each image holds its own source. (Before local sources named their session,
    /// BuildKit merged the two source ops and served one folder's files to both builds.)
    func testTwoModelsBuiltAtOnceKeepTheirOwnSource() throws {
        for round in 1...3 {
            let a = try example("hello"), b = try example("streaming-text")
            for dir in [a, b] {
                try Data("\n# round \(round) of \(dir.lastPathComponent)\n".utf8).append(to: dir.appendingPathComponent("predict.py"))
            }
            let group = DispatchGroup()
            let results = LockedResults()
            for (dir, tag) in [(a, "ex-at-once-a"), (b, "ex-at-once-b")] {
                DispatchQueue.global().async(group: group) {
                    let r = try? CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
                    results.set(tag, r?.status ?? -1)
                }
            }
            group.wait()
            for (dir, tag) in [(a, "ex-at-once-a"), (b, "ex-at-once-b")] {
                XCTAssertEqual(results.get(tag), 0, tag)
                let inImage = try CLI.shell("docker run --rm --entrypoint cat \(tag) /src/predict.py").stdout
                XCTAssertEqual(inImage, try String(contentsOf: dir.appendingPathComponent("predict.py"), encoding: .utf8),
                               "round \(round): \(tag) holds another model's source")
            }
        }
    }

    /// The large-weights example: setup sees the whole 12 MiB file in the image.
    /// The other CPU examples (those no other test serves: a file in and out, system packages
    /// and run commands with a trainer, JAX, a weights file): each image serves at
    /// `/openapi.json` the document `cogpack schema` prints for its folder.
    func testEveryOtherCPUExampleServesTheSchemaCogpackPrints() throws {
        for name in ["image-invert", "system-run", "jax-cpu", "weights"] {
            let dir = try example(name)
            let schema = try build(dir, tag: "ex-schema-\(name)")
            let port = try serve("ex-schema-\(name)")
            try assertServesSchema(port: port, schema)
        }
    }

    func testTheWeightsExampleSeesItsWeightsFile() throws {
        let dir = try example("weights")
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("weights/model.bin").path)[.size] as? Int)
        let tag = "ex-weights"
        _ = try build(dir, tag: tag)
        let r = try CLI.run(["predict", "--image", tag])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(size)\n")
    }
}

/// Bytes appended from a pipe's reading handler.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ d: Data) { lock.withLock { data.append(d) } }
    var value: Data { lock.withLock { data } }
}

/// Exit statuses of builds run at once, by tag.
private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [String: Int32] = [:]
    func set(_ tag: String, _ status: Int32) { lock.withLock { statuses[tag] = status } }
    func get(_ tag: String) -> Int32? { lock.withLock { statuses[tag] } }
}

import Foundation
import XCTest

/// cog.yaml's runtime keys, each honoured by an image that is built and run here: `train`
/// (examples/trainer, through `cogpack train`), and in one model `environment`, `concurrency.max`,
/// a `predict` target in a subfolder and `weights`. `build.run` with a secret mount is
/// BuildIntegrationTests.testSecretsReachRunCommandsAndNeverTheImage (the secret reaches the
/// command, no layer holds it). The plans of these keys are in RuntimeKeysPlanTests.
final class RuntimeKeysTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// A scratch folder, removed when the test ends.
    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// Runs `image` (with `command` instead of its own, and `env`), waits for READY; its port.
    private func serve(_ image: String, env: [String] = [], command: String = "") throws -> Int {
        let name = "tr-it-\(UUID().uuidString.prefix(8).lowercased())"
        let port = 17000 + Int.random(in: 0..<1000)
        let flags = env.map { "-e '\($0)'" }.joined(separator: " ")
        let started = try CLI.shell("docker run -d --name \(name) -p \(port):5000 \(flags) \(image) \(command)")
        XCTAssertEqual(started.status, 0, started.stderr)
        addTeardownBlock { _ = try? CLI.shell("docker rm -f \(name)") }
        var ready = false
        for _ in 0..<120 where !ready {
            ready = try CLI.shell("curl -fsS http://127.0.0.1:\(port)/health-check | grep -q READY").status == 0
            if !ready { Thread.sleep(forTimeInterval: 0.5) }
        }
        let logs = ready ? "" : try CLI.shell("docker logs \(name) 2>&1 | tail -20").stdout
        XCTAssertTrue(ready, "\(image) is not ready: \(logs)")
        return port
    }

    private func post(_ port: Int, _ input: [String: Any], path: String = "/predictions") throws -> [String: Any] {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["input": input]), as: UTF8.self)
        let r = try CLI.shell("curl -sS -X POST -H 'Content-Type: application/json' -d '\(body)' http://127.0.0.1:\(port)\(path)")
        return try json(r.stdout)
    }

    /// Containers `cogpack predict` or `train` started from `image` that are still there (the
    /// engine is shared: other images' runs are not this test's).
    private func leftoverContainers(of image: String) throws -> String {
        try CLI.shell("docker ps -aq --filter label=dev.cogpack.run --filter ancestor=\(image)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: train

    /// examples/trainer: `cogpack train` builds it, starts its server in train mode, posts to
    /// /trainings and writes the weights; the predictor loads them from COG_WEIGHTS.
    func testTheTrainerWritesItsWeightsAndThePredictorLoadsThem() throws {
        let work = try scratch()
        let dir = work.appendingPathComponent("trainer")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/trainer"), to: dir)
        // The image's name: tags of this test start with tr-.
        try Data("image: tr-trainer\n".utf8).append(to: dir.appendingPathComponent("cog.yaml"))
        let numbers = work.appendingPathComponent("numbers.txt")
        try write("1 2\n3\n4\n", to: numbers)
        let weights = work.appendingPathComponent("out/trained.json")
        try FileManager.default.createDirectory(at: weights.deletingLastPathComponent(), withIntermediateDirectories: true)

        // Three steps of 0.25 from 0 toward the mean 2.5: 1.25, 1.875, 2.1875 (exact in binary).
        let trained = try CLI.run(["train", dir.path, "-i", "numbers=@\(numbers.path)", "-i", "learning_rate=0.25", "-i", "steps=3", "-o", weights.path])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        XCTAssertEqual(trained.stdout, weights.path + "\n", "the path of the weights")
        XCTAssertEqual(try String(contentsOf: weights, encoding: .utf8), #"{"count": 4, "learning_rate": 0.25, "offset": 2.1875, "steps": 3}"# + "\n")
        XCTAssertTrue(trained.stderr.contains("step 3: offset 2.1875"), "the trainer's logs: \(trained.stderr)")

        // The served document carries the trainer's paths and schemas as `schema --train` prints them.
        let schema = try CLI.run(["schema", "--train", dir.path])
        XCTAssertEqual(schema.status, 0, schema.stderr)
        let trainDocument = try json(schema.stdout)
        let port = try serve("tr-trainer", command: "python -m cog.server.http --x-mode train")
        let served = try json(try CLI.shell("curl -fsS http://127.0.0.1:\(port)/openapi.json").stdout)
        let trainPaths = try XCTUnwrap(trainDocument["paths"] as? [String: Any])
        let servedPaths = try XCTUnwrap(served["paths"] as? [String: Any])
        XCTAssertNotNil(trainPaths["/trainings"], "\(trainPaths.keys)")
        XCTAssertNotNil(trainPaths["/trainings/{training_id}/cancel"], "\(trainPaths.keys)")
        for (path, value) in trainPaths {
            XCTAssertEqual(servedPaths[path] as? NSDictionary, value as? NSDictionary, path)
        }
        let trainSchemas = try XCTUnwrap((trainDocument["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let servedSchemas = try XCTUnwrap((served["components"] as? [String: Any])?["schemas"] as? [String: Any])
        XCTAssertNotNil(trainSchemas["TrainingInput"])
        for (name, value) in trainSchemas {
            XCTAssertEqual(servedSchemas[name] as? NSDictionary, value as? NSDictionary, name)
        }
        XCTAssertNotNil(servedSchemas["Input"], "and the predictor's, merged as Cog merges them")
        let root = try json(try CLI.shell("curl -fsS http://127.0.0.1:\(port)/").stdout)
        XCTAssertEqual(root["trainings_url"] as? String, "/trainings")

        // Without -o: weights.<ext> in the working folder; with the image instead of the folder.
        let again = try CLI.run(["train", "--image", "tr-trainer", "-i", "numbers=@\(numbers.path)", "-i", "steps=1"], in: work)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, "weights.json\n")
        XCTAssertTrue(try String(contentsOf: work.appendingPathComponent("weights.json"), encoding: .utf8).contains(#""offset": 1.25"#))

        // A training that fails: its error, exit 1.
        let empty = work.appendingPathComponent("empty.txt")
        try write("\n", to: empty)
        let failed = try CLI.run(["train", "--image", "tr-trainer", "-i", "numbers=@\(empty.path)"])
        XCTAssertEqual(failed.status, 1, failed.stdout + failed.stderr)
        XCTAssertTrue(failed.stderr.contains("the training failed") && failed.stderr.contains("holds no numbers"), failed.stderr)

        // Inputs typed by the training schema: bad ones are exit 2 naming the input.
        for (argument, flag) in [("learning_rate=0.9", "-i learning_rate"), ("rate=1", "-i rate"), ("steps=many", "-i steps")] {
            let bad = try CLI.run(["train", "--image", "tr-trainer", "-i", "numbers=@\(numbers.path)", "-i", argument])
            XCTAssertEqual(bad.status, 2, "\(argument): \(bad.stderr)")
            XCTAssertTrue(bad.stderr.contains("error: \(flag)"), bad.stderr)
        }

        // The predictor: untrained, then with the weights `cogpack train` wrote.
        let plain = try serve("tr-trainer")
        XCTAssertEqual(try post(plain, ["x": 1])["output"] as? Double, 1.0)
        let url = "data:application/json;base64," + (try Data(contentsOf: weights)).base64EncodedString()
        let loaded = try serve("tr-trainer", env: ["COG_WEIGHTS=\(url)"])
        let prediction = try post(loaded, ["x": 1])
        XCTAssertEqual(prediction["output"] as? Double, 3.1875, "\(prediction)")
        XCTAssertEqual(try leftoverContainers(of: "tr-trainer"), "")
    }

    // MARK: environment, concurrency.max, predict in a subfolder, weights

    /// One model with the other keys: the predictor (in src/model/) reads cog.yaml's
    /// environment, the files of its weights entry at their target, and sleeps without blocking.
    func testEnvironmentConcurrencySubfolderPredictorAndWeightsInTheImage() throws {
        let dir = try scratch().appendingPathComponent("runtime")
        try write("""
            build:
              python_version: "3.11"
              run:
                - echo "$GREETING" > /greeting-at-build
            image: tr-runtime
            predict: "src/model/predict.py:Predictor"
            concurrency:
              max: 2
            environment:
              - GREETING=hello from cog.yaml
            weights:
              - name: table
                target: /opt/weights/table
                source:
                  uri: ./checkpoints
                  include: ["*.json"]
            """, to: dir.appendingPathComponent("cog.yaml"))
        try write(#"{"scale": 3}"#, to: dir.appendingPathComponent("checkpoints/scale.json"))
        try write(#"{"layers": [1, 2]}"#, to: dir.appendingPathComponent("checkpoints/nested/shape.json"))
        try write("not a weight", to: dir.appendingPathComponent("checkpoints/notes.txt"))
        try write("""
            import asyncio
            import json
            import os
            import time

            from cog import BasePredictor, Input


            class Predictor(BasePredictor):
                def setup(self):
                    with open("/opt/weights/table/scale.json") as f:
                        self.scale = json.load(f)["scale"]

                async def predict(self, what: str = Input(default="env", choices=["env", "weights", "sleep"]),
                                  seconds: float = Input(default=0.0, ge=0, le=10)) -> str:
                    if what == "env":
                        with open("/greeting-at-build") as f:
                            return os.environ.get("GREETING", "") + " | " + f.read().strip()
                    if what == "weights":
                        files = sorted(os.path.relpath(os.path.join(d, n), "/opt/weights/table")
                                       for d, _, names in os.walk("/opt/weights/table") for n in names)
                        return json.dumps({"scale": self.scale, "files": files, "in_src": os.path.exists("/src/checkpoints")})
                    start = time.monotonic()
                    await asyncio.sleep(seconds)
                    return f"{start} {time.monotonic()}"
            """, to: dir.appendingPathComponent("src/model/predict.py"))
        let tag = "tr-runtime"
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr)

        // environment: visible to predict, and to the run commands of the build.
        let env = try CLI.run(["predict", "--image", tag, "-i", "what=env"])
        XCTAssertEqual(env.status, 0, env.stderr)
        XCTAssertEqual(env.stdout, "hello from cog.yaml | hello from cog.yaml\n")

        // weights: the entry's files (its include) at the target; the source folder not in /src.
        let port = try serve(tag)
        let weights = try json(try XCTUnwrap(try post(port, ["what": "weights"])["output"] as? String))
        XCTAssertEqual(weights["scale"] as? Int, 3)
        XCTAssertEqual(weights["files"] as? [String], ["nested/shape.json", "scale.json"])
        XCTAssertEqual(weights["in_src"] as? Bool, false)

        // concurrency.max 2: two predictions in flight at once run together; a third is refused.
        let body = #"{"input": {"what": "sleep", "seconds": 3}}"#
        let request = "curl -sS -X POST -H 'Content-Type: application/json' -d '\(body)' http://127.0.0.1:\(port)/predictions"
        let started = Date()
        // Each answer to a file of its own: answers that end together would mix on one stdout.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tr-answers-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        let three = try CLI.shell("\(request) -o \(out.path)/1 & \(request) -o \(out.path)/2 & (sleep 0.5; \(request) -o \(out.path)/3) & wait")
        let elapsed = Date().timeIntervalSince(started)
        let answers = try (1...3).map { try json(try String(contentsOf: out.appendingPathComponent("\($0)"), encoding: .utf8)) }
        XCTAssertEqual(answers.count, 3, three.stdout + three.stderr)
        let done = answers.filter { $0["status"] as? String == "succeeded" }
        XCTAssertEqual(done.count, 2, "\(answers)")
        XCTAssertTrue(answers.contains { ($0["error"] as? String)?.contains("busy") == true }, "the third is refused at capacity: \(answers)")
        XCTAssertLessThan(elapsed, 5.5, "two 3 s predictions took \(elapsed) s: not concurrent")
        let spans = done.compactMap { ($0["output"] as? String)?.split(separator: " ").compactMap { Double($0) } }
        XCTAssertEqual(spans.count, 2)
        if spans.count == 2, spans.allSatisfy({ $0.count == 2 }) {
            XCTAssertTrue(spans[0][0] < spans[1][1] && spans[1][0] < spans[0][1], "the two sleeps overlap: \(spans)")
        }

        // A model without train: has no trainer: exit 2 naming cog.yaml, before anything starts.
        let noTrainer = try CLI.run(["train", dir.path, "-i", "x=1"])
        XCTAssertEqual(noTrainer.status, 2, noTrainer.stderr)
        XCTAssertTrue(noTrainer.stderr.hasPrefix("error: cog.yaml: no train:"), noTrainer.stderr)
        XCTAssertEqual(noTrainer.stderr.split(separator: "\n").count, 1, noTrainer.stderr)
        let noTrainerImage = try CLI.run(["train", "--image", tag])
        XCTAssertEqual(noTrainerImage.status, 2, noTrainerImage.stderr)
        XCTAssertTrue(noTrainerImage.stderr.contains("error: --image:") && noTrainerImage.stderr.contains("no train:"), noTrainerImage.stderr)
        XCTAssertEqual(try leftoverContainers(of: tag), "")
    }
}

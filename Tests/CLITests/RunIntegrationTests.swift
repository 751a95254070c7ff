import Foundation
import XCTest

/// The schema a build writes, served by the image; `cogpack predict` against the real engine.
final class RunIntegrationTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// A copy of an example in a scratch folder named `name` (the folder names the image).
    private func example(_ example: String, as name: String) throws -> URL {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("it-run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let dir = parent.appendingPathComponent(name)
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/\(example)"), to: dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: parent) }
        return dir
    }

    private func json(_ text: String) throws -> NSDictionary {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary, text)
    }

    /// Containers `cogpack predict` started that are still there.
    private func leftoverContainers() throws -> String {
        try CLI.shell("docker ps -aq --filter label=dev.cogpack.run").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testTheImageServesTheSchemaOfItsSourceAndValidatesInputs() throws {
        let dir = try example("hello", as: "typed")
        try """
            from cog import BasePredictor, Input


            class Predictor(BasePredictor):
                def predict(self, name: str = Input(description="who to greet", default="world"),
                            times: int = Input(default=1, ge=1, le=5)) -> str:
                    return ", ".join([f"hello, {name}"] * times)
            """.write(to: dir.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)
        let schema = try CLI.run(["schema", dir.path])
        XCTAssertEqual(schema.status, 0, schema.stderr)
        let tag = "cogpack-it-schema"
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr)

        // The label, the file in the image and the served document: all the document of the source.
        let label = try CLI.shell("docker image inspect \(tag) --format '{{index .Config.Labels \"run.cog.openapi_schema\"}}'")
        XCTAssertEqual(try json(label.stdout), try json(schema.stdout))
        let file = try CLI.shell("docker run --rm --entrypoint cat \(tag) /src/.cog/openapi_schema.json")
        XCTAssertEqual(file.stdout, schema.stdout, "the file holds the same bytes")
        for key in ["run.cog.config", "run.cog.version", "run.cog.has_init", "dev.cogpack.resolution"] {
            let value = try CLI.shell("docker image inspect \(tag) --format '{{index .Config.Labels \"\(key)\"}}'").stdout
            XCTAssertFalse(value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, key)
        }

        let name = "cogpack-it-\(UUID().uuidString.prefix(8))"
        let port = 16000 + Int.random(in: 0..<1000)
        XCTAssertEqual(try CLI.shell("docker run -d --name \(name) -p \(port):5000 \(tag)").status, 0)
        addTeardownBlock { _ = try? CLI.shell("docker rm -f \(name)") }
        var ready = false
        for _ in 0..<60 where !ready {
            ready = try CLI.shell("curl -fsS http://127.0.0.1:\(port)/health-check | grep -q READY").status == 0
            if !ready { Thread.sleep(forTimeInterval: 0.5) }
        }
        XCTAssertTrue(ready)
        let served = try CLI.shell("curl -fsS http://127.0.0.1:\(port)/openapi.json")
        XCTAssertEqual(try json(served.stdout), try json(schema.stdout), "/openapi.json serves the document cogpack schema prints")
        let post = { (body: String) in
            try CLI.shell("curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '\(body)' http://127.0.0.1:\(port)/predictions").stdout
        }
        XCTAssertEqual(try post(#"{"input": {"times": "many"}}"#), "422", "a wrong-typed input")
        XCTAssertEqual(try post(#"{"input": {"times": 9}}"#), "422", "a value above le=5")
        XCTAssertEqual(try post(#"{"input": {"times": 2}}"#), "200")

        // predict with the image: typed by its label.
        let r = try CLI.run(["predict", "--image", tag, "-i", "name=you", "-i", "times=2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "hello, you, hello, you\n")
        let wrong = try CLI.run(["predict", "--image", tag, "-i", "times=many"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("error: -i times:"), wrong.stderr)
        let above = try CLI.run(["predict", "--image", tag, "-i", "times=9"])
        XCTAssertEqual(above.status, 2, "the server's 422 is bad input: \(above.stderr)")
        XCTAssertTrue(above.stderr.contains("-i times"), above.stderr)
        XCTAssertEqual(try leftoverContainers(), "")
    }

    func testPredictBuildsTheFolderAndPrintsTheOutput() throws {
        let dir = try example("hello", as: "hello")
        let r = try CLI.run(["predict", dir.path, "-i", "name=world"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "hello, world\n")
        XCTAssertTrue(r.stderr.contains("ready"), r.stderr)
        XCTAssertEqual(try CLI.shell("docker image inspect cog-hello >/dev/null").status, 0, "tagged cog-<folder>")

        let json = try CLI.run(["predict", dir.path, "-i", "name=json", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let response = try json.json()
        XCTAssertEqual(response["status"] as? String, "succeeded")
        XCTAssertEqual(response["output"] as? String, "hello, json")

        for (arguments, flag) in [(["-i", "nope=1"], "-i nope"), (["-i", "name"], "-i"), (["--image", "x", "-i", "name=a"], "--image")] {
            let bad = try CLI.run(["predict", dir.path] + arguments)
            XCTAssertEqual(bad.status, 2, "\(arguments): \(bad.stderr)")
            XCTAssertTrue(bad.stderr.contains("error: \(flag)"), bad.stderr)
        }
        XCTAssertEqual(try leftoverContainers(), "")
    }

    /// A GPU model on an engine without GPU support (this machine's): the container cannot have
    /// the GPUs it asks for, so it runs without them, with a warning, instead of failing to start.
    func testAGPUModelRunsWithoutGPUsWhereTheEngineHasNone() throws {
        let dir = try example("hello", as: "gpu-label")
        let built = try CLI.run(["build", dir.path, "-t", "cogpack-it-gpu-base", "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr)
        // The same image, its cog.yaml label saying gpu: true (as a GPU model's image says).
        let context = dir.appendingPathComponent("relabel")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        let config = #"{"build":{"gpu":true,"python_version":"3.11"},"predict":"predict.py:Predictor"}"#
        try "FROM cogpack-it-gpu-base\nLABEL run.cog.config='\(config)'\n".write(to: context.appendingPathComponent("Dockerfile"),
                                                                                  atomically: true, encoding: .utf8)
        let relabel = try CLI.shell("DOCKER_BUILDKIT=0 /usr/bin/docker build -q -t cogpack-it-gpu \(context.path)")
        XCTAssertEqual(relabel.status, 0, relabel.stderr)
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f cogpack-it-gpu cogpack-it-gpu-base >/dev/null 2>&1") }
        // An engine with the NVIDIA runtime gives the GPUs: then no warning.
        let hasGPUs = try CLI.shell("docker info --format '{{json .Runtimes}}'").stdout.contains("nvidia")
        let r = try CLI.run(["predict", "--image", "cogpack-it-gpu", "-i", "name=gpu"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "hello, gpu\n")
        XCTAssertEqual(r.stderr.contains("warning: the engine has no GPU support"), !hasGPUs, r.stderr)
        XCTAssertEqual(try leftoverContainers(), "")
    }

    /// Ctrl-C while a prediction runs: the container is stopped and removed, and the command
    /// exits 130 at once instead of waiting for the prediction.
    func testInterruptStopsAndRemovesTheContainer() throws {
        let dir = try example("hello", as: "slow")
        try """
            import time

            from cog import BasePredictor


            class Predictor(BasePredictor):
                def predict(self, seconds: int = 120) -> str:
                    time.sleep(seconds)
                    return "too late"
            """.write(to: dir.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)
        let built = try CLI.run(["build", dir.path, "-t", "cogpack-it-slow", "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let run = try RunningBuild(["predict", "--image", "cogpack-it-slow", "-i", "seconds=120"])
        run.wait(for: "ready", timeout: 120)
        XCTAssertTrue(run.text.contains("ready"), run.text)
        Thread.sleep(forTimeInterval: 1)  // the prediction is posted and running
        let interrupted = Date()
        run.interrupt()
        let status = run.finish()
        XCTAssertEqual(status, 130, run.text)
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 15, "stopped at once, not after the prediction")
        XCTAssertTrue(run.text.contains("interrupted: removing the container"), run.text)
        XCTAssertEqual(try leftoverContainers(), "", "the container is removed")
    }

    func testAFailingPredictionShowsItsErrorAndExits1() throws {
        let dir = try example("hello", as: "fails")
        try """
            from cog import BasePredictor


            class Predictor(BasePredictor):
                def predict(self, name: str = "x") -> str:
                    raise ValueError(f"no greeting for {name}")
            """.write(to: dir.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["predict", dir.path, "-i", "name=bob"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("no greeting for bob"), r.stderr)
        XCTAssertEqual(try leftoverContainers(), "")
    }

    func testASetupThatFailsShowsTheContainersLogs() throws {
        let dir = try example("hello", as: "setup-fails")
        try """
            from cog import BasePredictor


            class Predictor(BasePredictor):
                def setup(self):
                    raise RuntimeError("weights are missing")

                def predict(self, name: str = "x") -> str:
                    return name
            """.write(to: dir.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["predict", dir.path, "-i", "name=bob"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("weights are missing"), r.stderr)
        XCTAssertEqual(try leftoverContainers(), "")
    }

    /// A file in, a file out: a PNG made here, inverted by Pillow in the image.
    func testAFileInputIsUploadedAndTheFileOutputWritten() throws {
        let dir = try example("image-invert", as: "image-invert")
        let work = dir.deletingLastPathComponent()
        let png = work.appendingPathComponent("red.png")
        // A 2×2 red PNG from Python's standard library (no Pillow on the host).
        let make = """
            import struct, zlib
            def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
            raw = b''.join(b'\\x00' + b'\\xff\\x00\\x00' * 2 for _ in range(2))
            open('\(png.path)', 'wb').write(b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 2, 2, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
            """
        XCTAssertEqual(try CLI.shell("python3 -c \"\(make.replacingOccurrences(of: "\"", with: "\\\""))\"").status, 0)
        let out = work.appendingPathComponent("inverted.png")
        let r = try CLI.run(["predict", dir.path, "-i", "image=@\(png.path)", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, out.path + "\n", "the path of the written file")
        // The first pixel of the output: red inverted is cyan.
        let read = """
            import zlib, struct
            d = open('\(out.path)', 'rb').read()
            assert d[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            i, idat = 8, b''
            while i < len(d):
                n, t = struct.unpack('>I4s', d[i:i+8])
                if t == b'IDAT': idat += d[i+8:i+8+n]
                i += 12 + n
            print(list(zlib.decompress(idat)[1:4]))
            """
        let pixel = try CLI.shell("python3 -c \"\(read.replacingOccurrences(of: "\"", with: "\\\""))\"")
        XCTAssertEqual(pixel.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "[0, 255, 255]", pixel.stderr)

        // Without -o: output.png in the working folder.
        let again = try CLI.run(["predict", dir.path, "-i", "image=@\(png.path)"], in: work)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, "output.png\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("output.png").path))

        let missing = try CLI.run(["predict", dir.path, "-i", "image=@\(work.path)/nothing.png"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("error: -i image:"), missing.stderr)
        XCTAssertEqual(try leftoverContainers(), "")
    }
}

import Foundation
import XCTest

/// `cogpack build` against the real Docker engine and its BuildKit, and the built model serving
/// predictions.
final class BuildIntegrationTests: XCTestCase {
    static let base = Engine.base

    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// A copy of an example in a scratch folder, so that tests can edit it.
    private func example(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/\(name)"), to: dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private struct Events {
        var done: [String] = []
        var cached: [String] = []
        var errors: [String] = []
    }

    /// Steps run and cached, from `--progress json`.
    private func events(_ stderr: String) -> Events {
        var e = Events()
        for line in stderr.split(separator: "\n") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = obj["name"] as? String else { continue }
            switch obj["event"] as? String {
            case "done": e.done.append(name)
            case "cached": e.cached.append(name)
            case "error": e.errors.append(name)
            default: break
            }
        }
        return e
    }

    func testBuildServeRebuildAndEdit() throws {
        let dir = try example("hello")
        let tag = "cogpack-it-minimal"
        let first = try CLI.run(["build", dir.path, "-t", tag, "--progress", "json"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("built docker.io/library/\(tag):latest"), first.stdout)

        // The image serves Cog's API.
        let output = try Engine.predict(image: tag, input: ["name": "tests"], test: self)
        XCTAssertEqual(output["status"] as? String, "succeeded", "\(output)")
        XCTAssertEqual(output["output"] as? String, "hello, tests")

        // Nothing changed: every step is cached.
        let again = try CLI.run(["build", dir.path, "-t", tag, "--progress", "json"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let e = events(again.stderr)
        // The exporters run on every build: the image, and its inline cache.
        XCTAssertTrue(e.done.allSatisfy { $0.hasPrefix("[internal]") || $0.hasPrefix("docker-image://") || $0 == "exporting to image" || $0 == "exporting cache" },
                      "rebuilt: \(e.done)")

        // predict.py edited: only the source layer is made again.
        // A fresh edit: BuildKit would find an edit made before in its cache.
        try "\n# edited \(UUID())\n".data(using: .utf8)!.append(to: dir.appendingPathComponent("predict.py"))
        let edited = try CLI.run(["build", dir.path, "-t", tag, "--progress", "json"])
        XCTAssertEqual(edited.status, 0, edited.stderr)
        let ran = events(edited.stderr).done.filter { $0.hasPrefix("[") && !$0.hasPrefix("[internal]") }
        XCTAssertEqual(ran, ["[source] copy . → /src"])
    }

    func testTunnelledSessionBuildsTheSameModel() throws {
        let dir = try example("hello")
        let r = try CLI.run(["build", dir.path, "-t", "cogpack-it-tunnel", "--session", "tunnel", "--progress", "plain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let cmd = try CLI.shell("docker image inspect cogpack-it-tunnel --format '{{json .Config.Cmd}}'")
        XCTAssertEqual(cmd.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "[\"python\",\"-m\",\"cog.server.http\"]")
    }

    func testAPlanWrittenEarlierBuildsTheSameImageConfig() throws {
        let dir = try example("hello")
        let planned = try CLI.run(["plan", dir.path, "--json", "--engine"])
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let json = planned.stdout
        XCTAssertTrue(json.contains(Self.base), "offline, the engine-aware plan names the local base")
        let file = dir.appendingPathComponent("plan.json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        let built = try CLI.run(["build", dir.path, "-t", "cogpack-it-plan", "--plan", file.path, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let env = try CLI.shell("docker image inspect cogpack-it-plan --format '{{json .Config.Env}}'").stdout
        XCTAssertTrue(env.contains("COG_PREDICT_TYPE_STUB=predict.py:Predictor"), env)
        XCTAssertTrue(env.contains("PATH=/venv/bin:"), env)
        // The same result as planning and building in one go: same config, same layers.
        let direct = try CLI.run(["build", dir.path, "-t", "cogpack-it-direct", "--progress", "plain"])
        XCTAssertEqual(direct.status, 0, direct.stderr)
        let inspect = "--format '{{json .Config}} {{json .RootFS.Layers}}'"
        XCTAssertEqual(try CLI.shell("docker image inspect cogpack-it-plan \(inspect)").stdout,
                       try CLI.shell("docker image inspect cogpack-it-direct \(inspect)").stdout)
    }

    func testAFailingStepNamesItselfShowsItsLogAndTagsNothing() throws {
        let dir = try example("hello")
        try """
        build:
          python_version: "3.11"
          run:
            - for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do echo "line $i"; done; exit 3
        predict: "predict.py:Predictor"
        """.write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        let tag = "cogpack-it-fails-\(UUID().uuidString.prefix(6).lowercased())"
        let r = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("step failed: [run] run: for i in"), r.stderr)
        XCTAssertTrue(r.stderr.contains("exit code: 3"), r.stderr)
        let tail = r.stderr.components(separatedBy: "last log lines:").last ?? ""
        XCTAssertTrue(tail.contains("line 25") && tail.contains("line 6") && !tail.contains("line 5\n"), tail)
        XCTAssertNotEqual(try CLI.shell("docker image inspect \(tag) >/dev/null 2>&1").status, 0, "no image is tagged")
    }

    func testSecretsReachRunCommandsAndNeverTheImage() throws {
        let dir = try example("system-run")
        // Outside the model folder: the folder itself is copied into the image.
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try "s3cret\n".write(to: secret, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: secret) }
        let r = try CLI.run(["build", dir.path, "-t", "cogpack-it-secrets", "--secret", "id=hf_token,src=\(secret.path)", "--progress", "plain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("token present"), r.stderr)
        // Mount points stay as empty folders (BuildKit v0.8 keeps them); no file may be there.
        let check = try CLI.shell("docker run --rm --entrypoint sh cogpack-it-secrets -c 'cat /etc/model-build-note; find /opt/cogpack /root/.cache -type f 2>/dev/null | sed s/^/tool-file:/; grep -rl s3cret /etc /src 2>/dev/null | wc -l'")
        XCTAssertTrue(check.stdout.contains("built by cogpack"), check.stdout)
        XCTAssertFalse(check.stdout.contains("tool-file:"), "build tools and caches stay out of the image: \(check.stdout)")
        XCTAssertTrue(check.stdout.hasSuffix("0\n"), check.stdout)
    }

    func testWithoutARegistryAPythonTheBasesLackIsAConflict() throws {
        let dir = try example("hello")
        try "build:\n  python_version: \"3.12\"\npredict: \"predict.py:Predictor\"\n".write(
            to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["build", dir.path, "-t", "cogpack-it-conflict"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("cog.yaml:2"), r.stdout)
        XCTAssertTrue(r.stdout.contains("engine unix:///var/run/docker.sock"), r.stdout)
        // The nearest Python a base in the engine ships: 3.11 (bookworm), or 3.13 when the
        // trixie base is there too.
        XCTAssertTrue(["3.11", "3.13"].contains { r.stdout.contains("set python_version: \"\($0)\"") }, r.stdout)
        // Images built on the base inherit its labels; only the base itself is a base.
        XCTAssertTrue(r.stdout.contains(Self.base), r.stdout)
        XCTAssertFalse(r.stdout.contains("cogpack-it-"), r.stdout)
    }

    func testAMissingEngineSaysHowToStartOne() throws {
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_HOST"] = "unix:///tmp/no-such-docker.sock"
        let r = try CLI.run(["build", CLI.repo.appendingPathComponent("examples/hello").path, "-t", "x"], environment: env)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("start-docker.sh"), r.stderr)
    }

    /// What must never reach an image: files `.dockerignore` leaves out, what a symlink points
    /// at outside the context, and the CA bundle mounted into download steps. Every layer of the
    /// saved image is scanned for their bytes.
    func testIgnoredFilesLinksOutsideAndTheCABundleStayOutOfEveryLayer() throws {
        let dir = try example("hello")
        let marker = "cogpack-marker-\(UUID().uuidString)"
        try "ignored \(marker)-ignored\n".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "notes.txt\n".write(to: dir.appendingPathComponent(".dockerignore"), atomically: true, encoding: .utf8)
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString)")
        try "outside \(marker)-outside\n".write(to: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("link"), withDestinationURL: outside)
        // The host's bundle (the proxy's CA is in it) plus a line no other file has.
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem")
        let bundle = (try? String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8)) ?? ""
        try (bundle + "\n# \(marker)-ca\n").write(to: ca, atomically: true, encoding: .utf8)
        addTeardownBlock {
            try? FileManager.default.removeItem(at: outside)
            try? FileManager.default.removeItem(at: ca)
        }
        // A run step that is new each time (so it runs, with the CA mounted) and shows the mount.
        try """
        build:
          python_version: "3.11"
          run:
            - test -s /etc/ssl/certs/cogpack-ca.pem && echo "ca mounted for \(marker.suffix(8))"
        predict: "predict.py:Predictor"
        """.write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        let tag = "cogpack-it-layers"
        let r = try CLI.run(["build", dir.path, "-t", tag, "--ca-cert", ca.path, "--progress", "plain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("ca mounted for \(marker.suffix(8))"), r.stderr)

        let link = try CLI.shell("docker run --rm --entrypoint sh \(tag) -c 'test -L /src/link && readlink /src/link; test -e /src/notes.txt || echo no-notes'")
        XCTAssertTrue(link.stdout.contains(outside.path), "the link stays a link: \(link.stdout)")
        XCTAssertTrue(link.stdout.contains("no-notes"), link.stdout)

        let save = FileManager.default.temporaryDirectory.appendingPathComponent("save-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: save) }
        XCTAssertEqual(try CLI.shell("mkdir -p \(save.path) && docker save \(tag) | tar -x -C \(save.path)").status, 0)
        let layers = try CLI.shell("find \(save.path) -name layer.tar | wc -l").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertGreaterThan(Int(layers) ?? 0, 3, "the image has its layers")
        for what in ["ignored", "outside", "ca"] {
            let hits = try CLI.shell("grep -rl -- '\(marker)-\(what)' \(save.path) | wc -l").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual(hits, "0", "\(what) bytes found in a layer")
        }
    }

    /// Offline, Python 3.13 builds on the base `cogpack base --suite trixie` makes from Debian
    /// packages, and the image serves predictions.
    func testAPython313ModelBuildsOnTheTrixieBase() throws {
        if try CLI.shell("docker image inspect cogpack/base:trixie-python3.13 >/dev/null 2>&1").status != 0 {
            let made = try CLI.run(["base", "--suite", "trixie"])
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        let dir = try example("hello")
        try "build:\n  python_version: \"3.13\"\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        let tag = "cogpack-it-python313"
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        let python = try CLI.shell("docker run --rm --entrypoint python \(tag) -c 'import sys; print(sys.version_info[:2])'")
        XCTAssertEqual(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "(3, 13)")
        let output = try Engine.predict(image: tag, input: ["name": "trixie"], test: self)
        XCTAssertEqual(output["output"] as? String, "hello, trixie", "\(output)")
    }

    /// A run line that calls curl, wget and git builds: the rules bring their Debian packages,
    /// which the slim base lacks (without them the line fails with exit 127).
    func testRunLinesGetTheProgramsTheyCall() throws {
        let dir = try example("hello")
        try "build:\n  python_version: \"3.11\"\n  run:\n    - curl --version && wget --version && git --version > /git-version && echo \(UUID())\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        let tag = "cogpack-it-run-programs"
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        XCTAssertTrue(built.stderr.contains("apt-get install curl wget git") || built.stderr.contains("apt-get install tini curl wget git"), built.stderr)
        let version = try CLI.shell("docker run --rm --entrypoint cat \(tag) /git-version")
        XCTAssertTrue(version.stdout.hasPrefix("git version"), version.stdout + version.stderr)
    }

    /// A reader that goes away (`cogpack build | head`) does not break the build: the output
    /// is dropped, the image is built.
    func testAClosedOutputPipeDoesNotStopTheBuild() throws {
        let dir = try example("hello")
        let tag = "cogpack-it-closed-pipe"
        let r = try CLI.shell("bash -c \"'\(CLI.executable.path)' build '\(dir.path)' -t \(tag) --progress plain 2>&1 | true; exit \\${PIPESTATUS[0]}\"")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(try CLI.shell("docker image inspect \(tag) >/dev/null").status, 0)
    }

    /// A step that prints nothing for longer than the session's PING interval (15 s) builds:
    /// the engine answers every keepalive PING of the session (three here) in time.
    func testAStepSilentForLongerThanTheKeepaliveIntervalBuilds() throws {
        let dir = try example("hello")
        try "build:\n  python_version: \"3.11\"\n  run:\n    - sleep 50 && echo \(UUID())\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["build", dir.path, "-t", "cogpack-it-silent-step", "--progress", "plain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("stopped answering"), r.stderr)
    }

    /// Ctrl-C while a step runs: the build stops within two seconds, exits 130, tags nothing.
    func testInterruptCancelsTheBuild() throws {
        let dir = try example("hello")
        // A step that is new each time, so that it really runs.
        try "build:\n  python_version: \"3.11\"\n  run:\n    - sleep 120 # \(UUID())\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        let tag = "cogpack-it-cancel-\(UUID().uuidString.prefix(6).lowercased())"
        let build = try RunningBuild(["build", dir.path, "-t", tag, "--progress", "plain"])
        // Wait until the sleep step has started.
        build.wait(for: "run: sleep 120", timeout: 120)
        Thread.sleep(forTimeInterval: 1)
        let interrupted = Date()
        build.interrupt()
        let status = build.finish()
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 2.0)
        XCTAssertEqual(status, 130)
        XCTAssertNotEqual(try CLI.shell("docker image inspect \(tag) >/dev/null 2>&1").status, 0, "no image is tagged")
    }

    /// `--wheelhouse`: a package that exists only in the folder installs from it.
    func testAWheelhouseServesPackagesTheIndexLacks() throws {
        let dir = try example("hello")
        let wheels = FileManager.default.temporaryDirectory.appendingPathComponent("wheels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: wheels, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: wheels) }
        // A pure-Python wheel written by hand: the files, its metadata, and its RECORD.
        let script = """
        import base64, hashlib, sys, zipfile
        files = {"cogpack_probe/__init__.py": b'VALUE = "from the wheelhouse"\\n',
                 "cogpack_probe-0.1.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: cogpack-probe\\nVersion: 0.1\\n",
                 "cogpack_probe-0.1.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
        record = "".join(f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}\\n" for n, d in files.items())
        with zipfile.ZipFile(sys.argv[1] + "/cogpack_probe-0.1-py3-none-any.whl", "w") as z:
            for n, d in files.items(): z.writestr(n, d)
            z.writestr("cogpack_probe-0.1.dist-info/RECORD", record + "cogpack_probe-0.1.dist-info/RECORD,,\\n")
        """
        let scriptFile = wheels.appendingPathComponent("make.py")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.shell("python3 \(scriptFile.path) \(wheels.path) && rm \(scriptFile.path)").status, 0)
        try "build:\n  python_version: \"3.11\"\n  python_packages:\n    - \"cogpack-probe==0.1\"\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)

        let without = try CLI.run(["build", dir.path, "-t", "cogpack-it-wheelhouse", "--progress", "plain"])
        XCTAssertEqual(without.status, 1, "the index has no such package")
        let with = try CLI.run(["build", dir.path, "-t", "cogpack-it-wheelhouse", "--wheelhouse", wheels.path, "--progress", "plain"])
        XCTAssertEqual(with.status, 0, with.stderr)
        let value = try CLI.shell("docker run --rm --entrypoint /venv/bin/python cogpack-it-wheelhouse -c 'import cogpack_probe; print(cogpack_probe.VALUE)'")
        XCTAssertEqual(value.stdout, "from the wheelhouse\n")
    }
}

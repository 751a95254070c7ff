import Foundation
import XCTest

/// The shared build cache across engines: engine A (the test machine's engine) builds a model and
/// pushes it with its inline cache to a real registry with a login; a second engine, started here
/// with nothing built, builds the same model with `--cache-from` and runs none of the model's
/// steps, then serves a prediction from the image. Without `--cache-from` the second engine runs
/// them. The base image travels through the registry too: BuildKit shares a layer's cache only
/// from the same base image, and `cogpack base` (debootstrap) does not make the same bytes twice.
final class SharedCacheTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// Debian's docker client (20.10, as the engines), for the second engine and the registry's login.
    static let docker = "/usr/bin/docker"

    private func model() throws -> URL {
        // A small requirement, so that the build has an install step of the model's own.
        try ScratchModel.make(self, prefix: "sc-model",
                              cogYAML: "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n",
                              files: ["requirements.txt": "six==1.16.0\n"])
    }

    /// The steps of a `--progress json` build: name → how it ended (`cached`, `done`, `error`).
    private func steps(_ stderr: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in stderr.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let event = o["event"] as? String, ["cached", "done", "error"].contains(event),
                  let name = o["name"] as? String else { continue }
            out[name] = event
        }
        return out
    }

    /// The model's own steps: those the plan names by stage (`[stage] …`), not BuildKit's
    /// `[internal]` loads (the build context is read again by every build; it is cheap) nor the
    /// base image source.
    private func modelSteps(_ steps: [String: String]) -> [String: String] {
        steps.filter { $0.key.hasPrefix("[") && !$0.key.hasPrefix("[internal]") }
    }

    func testASecondEngineReusesTheLayersOfTheRegistryImage() throws {
        let registry = try TestRegistry(test: self)
        let config = try registry.dockerConfig(test: self)
        let login = "--config '\(config.path)'"
        let b = try SecondEngine(test: self)

        // The base, from engine A to engine B through the registry, under its local name in B.
        let remoteBase = "\(registry.host)/sc-base/base:bookworm-python3.11"
        addTeardownBlock { _ = try? CLI.shell("\(Self.docker) rmi \(remoteBase) >/dev/null 2>&1") }
        for command in ["\(Self.docker) tag \(Engine.base) \(remoteBase)",
                        "\(Self.docker) \(login) push \(remoteBase) >/dev/null",
                        "\(Self.docker) \(login) -H \(b.host) pull \(remoteBase) >/dev/null",
                        "\(Self.docker) -H \(b.host) tag \(remoteBase) \(Engine.base)"] {
            let r = try CLI.shell(command)
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
            guard r.status == 0 else { return }
        }

        let dir = try model()
        let name = "\(registry.host)/sc-cache/model:v1"
        addTeardownBlock { _ = try? CLI.shell("\(Self.docker) rmi \(name) >/dev/null 2>&1") }
        let a = try CLI.run(["build", dir.path, "-t", name, "--push", "--progress", "json"],
                            environment: CLI.environment(["DOCKER_CONFIG": config.path]))
        XCTAssertEqual(a.status, 0, String(a.stderr.suffix(3000)))
        guard a.status == 0 else { return }
        // The config the registry holds carries the cache metadata.
        let manifest = try JSONSerialization.jsonObject(with: Data(try registry.get("/v2/sc-cache/model/manifests/v1",
            accept: "application/vnd.docker.distribution.manifest.v2+json").utf8)) as? [String: Any]
        let configDigest = try XCTUnwrap((manifest?["config"] as? [String: Any])?["digest"] as? String)
        XCTAssertTrue(try registry.get("/v2/sc-cache/model/blobs/\(configDigest)").contains("moby.buildkit.cache.v0"),
                      "the pushed image has no inline cache")

        // Engine B, never having built anything: every step of the model comes from the registry.
        let onB = CLI.environment(["DOCKER_HOST": b.host, "DOCKER_CONFIG": config.path])
        var started = Date()
        let cached = try CLI.run(["build", dir.path, "-t", "sc-cache-b:1", "--cache-from", name, "--progress", "json"], environment: onB)
        let cachedSeconds = Date().timeIntervalSince(started)
        XCTAssertEqual(cached.status, 0, String(cached.stderr.suffix(3000)) + "\nengine B: " + b.log)
        let cachedSteps = modelSteps(steps(cached.stderr))
        let ranAnyway = cachedSteps.filter { $0.value != "cached" }
        XCTAssertFalse(cachedSteps.isEmpty, cached.stderr)
        XCTAssertTrue(cachedSteps.keys.contains { $0.contains("install") || $0.contains("uv") || $0.contains("pip") },
                      "the model has install steps: \(cachedSteps.keys.sorted())")
        XCTAssertEqual(ranAnyway, [:], "steps engine B ran although the registry had them")
        // The registry wants a login: the import (which BuildKit would drop silently on a 401)
        // worked only because the session answered BuildKit's Auth call from the Docker config.
        print("engine B with --cache-from: \(String(format: "%.1f", cachedSeconds)) s, \(cachedSteps.count) model steps, all cached: \(cachedSteps.keys.sorted())")

        // The image of engine B serves predictions.
        let predicted = try CLI.run(["predict", "--image", "sc-cache-b:1", "-i", "name=you"], environment: onB)
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        XCTAssertTrue(predicted.stdout.contains("hello, you"), predicted.stdout + predicted.stderr)

        // Without --cache-from (and with B's own cache emptied), engine B runs the steps.
        for command in ["\(Self.docker) -H \(b.host) rmi sc-cache-b:1 >/dev/null", "\(Self.docker) -H \(b.host) builder prune -af >/dev/null"] {
            let r = try CLI.shell(command)
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
        }
        started = Date()
        let cold = try CLI.run(["build", dir.path, "-t", "sc-cache-b:2", "--progress", "json"], environment: onB)
        let coldSeconds = Date().timeIntervalSince(started)
        XCTAssertEqual(cold.status, 0, String(cold.stderr.suffix(3000)) + "\nengine B: " + b.log)
        let coldSteps = modelSteps(steps(cold.stderr))
        let ran = coldSteps.filter { $0.value == "done" }
        XCTAssertEqual(Set(ran.keys), Set(cachedSteps.keys), "without --cache-from engine B runs every model step")
        print("engine B without --cache-from: \(String(format: "%.1f", coldSeconds)) s, \(ran.count) model steps run")
    }

    func testACacheFromThatIsNotAnImageNameIsExit2BeforeAnythingIsSent() throws {
        // A builder address nobody listens on: the exit must come before it is tried.
        let r = try CLI.run(["build", CLI.repo.appendingPathComponent("examples/hello").path, "-t", "sc-bad:1",
                             "--cache-from", "Not A//Name", "--builder", "unix:///nonexistent/sc.sock"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--cache-from"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }
}

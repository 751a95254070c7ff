import Foundation
import XCTest

/// `cogpack push` and `cogpack build --push` against a real registry started by each test
/// (`TestRegistry`), through the real engine: logins from a Docker config or a real credential
/// helper, refused logins, names that are not references, unreachable registries, and the
/// weights layer that a second version of a model does not send again.
final class PushTests: XCTestCase {
    /// Above the planner's weights threshold (10 MiB), so that the file gets a layer of its own.
    static let weightsBytes = 12 << 20

    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// A model with a weights file of random bytes; the local images of `tags` go when the test ends.
    private func model() throws -> URL {
        let dir = try ScratchModel.make(self, prefix: "ps-model")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("weights"), withIntermediateDirectories: true)
        let made = try CLI.shell("head -c \(Self.weightsBytes) /dev/urandom > '\(dir.path)/weights/model.bin'")
        XCTAssertEqual(made.status, 0, made.stderr)
        return dir
    }

    private func removeImages(_ names: [String]) {
        addTeardownBlock { _ = try? CLI.shell("docker rmi \(names.joined(separator: " ")) >/dev/null 2>&1") }
    }

    /// The digest of the final line, `pushed NAME DIGEST in …`.
    private func pushedDigest(_ stdout: String, name: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let last = stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("pushed \(name) sha256:"), "final line: \(stdout)", file: file, line: line)
        return last.split(separator: " ").dropFirst(2).first.map(String.init)
    }

    /// The JSON events of `--progress json` on stderr.
    private func events(_ stderr: String) -> [[String: Any]] {
        stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testAPushWithTheLoginOfTheDockerConfigReachesTheRegistry() throws {
        let registry = try TestRegistry(test: self)
        let name = "\(registry.host)/ps-push/model:v1"
        removeImages([name])
        let built = try CLI.run(["build", try model().path, "-t", name, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, String(built.stderr.suffix(3000)))

        let config = try registry.dockerConfig(test: self)
        let pushed = try CLI.run(["push", name, "--progress", "plain"], environment: CLI.environment(["DOCKER_CONFIG": config.path]))
        XCTAssertEqual(pushed.status, 0, pushed.stderr)
        let digest = try XCTUnwrap(pushedDigest(pushed.stdout, name: name))
        XCTAssertTrue(pushed.stderr.contains("push \(registry.host)/ps-push/model"), pushed.stderr)
        XCTAssertTrue(pushed.stderr.contains(" pushed "), "each layer's line: \(pushed.stderr)")

        XCTAssertEqual(try registry.catalog(), ["ps-push/model"])
        XCTAssertEqual(try registry.tags("ps-push/model"), ["v1"])
        XCTAssertEqual(try registry.manifestDigest("ps-push/model", tag: "v1"), digest)
        // The manifest lists the layers the engine has for the image: the weights are one of them.
        let manifest = try JSONSerialization.jsonObject(with: Data(try registry.get("/v2/ps-push/model/manifests/v1",
            accept: "application/vnd.docker.distribution.manifest.v2+json").utf8)) as? [String: Any]
        let sizes = (manifest?["layers"] as? [[String: Any]] ?? []).compactMap { $0["size"] as? Int }
        XCTAssertTrue(sizes.contains { $0 >= Self.weightsBytes }, "a layer holds the weights: \(sizes)")
    }

    /// The login of Debian's real `docker-credential-pass`, over a password store of the test's
    /// own (a GnuPG key without passphrase): `credHelpers` wins over `credsStore`, and a helper
    /// with no login for the registry means no login, which the registry refuses by name.
    func testTheLoginOfARealCredentialHelper() throws {
        for tool in ["docker-credential-pass", "pass", "gpg", "gpgconf"] where try CLI.shell("command -v \(tool)").status != 0 {
            XCTFail("\(tool) is not installed; run scripts/setup.sh")
            return
        }
        let registry = try TestRegistry(test: self)
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("ps-pass-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: store.appendingPathComponent("gnupg"), withIntermediateDirectories: true)
        let env = CLI.environment(["GNUPGHOME": store.appendingPathComponent("gnupg").path, "PASSWORD_STORE_DIR": store.appendingPathComponent("store").path])
        let shellEnv = "GNUPGHOME='\(env["GNUPGHOME"]!)' PASSWORD_STORE_DIR='\(env["PASSWORD_STORE_DIR"]!)'"
        addTeardownBlock {
            _ = try? CLI.shell("\(shellEnv) gpgconf --kill gpg-agent")
            try? FileManager.default.removeItem(at: store)
        }
        let setUp = try CLI.shell("""
            export \(shellEnv); chmod 700 "$GNUPGHOME" && \
            gpg --batch --passphrase '' --quick-gen-key ps-pusher@cogpack.invalid default default never 2>/dev/null && \
            pass init "$(gpg --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')" >/dev/null && \
            printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' '\(registry.host)' '\(registry.user)' '\(registry.password)' | docker-credential-pass store
            """)
        XCTAssertEqual(setUp.status, 0, setUp.stderr)

        let name = "\(registry.host)/ps-push/helper:v1"
        removeImages([name])
        let built = try CLI.run(["build", try model().path, "-t", name, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, String(built.stderr.suffix(3000)))

        // The store named by credsStore does not exist: the registry's own helper must be asked.
        let config = try TestRegistry.dockerConfig(["credsStore": "ps-no-such-helper", "credHelpers": [registry.host: "pass"]], test: self)
        let pushed = try CLI.run(["push", name, "--progress", "quiet"], environment: env.merging(["DOCKER_CONFIG": config.path]) { $1 })
        XCTAssertEqual(pushed.status, 0, pushed.stderr)
        XCTAssertEqual(try registry.manifestDigest("ps-push/helper", tag: "v1"), pushedDigest(pushed.stdout, name: name))

        // A helper without a login for this registry: the push goes without one and is refused.
        let other = "\(registry.host)/ps-push/helper:v2"
        XCTAssertEqual(try CLI.shell("docker tag \(name) \(other)").status, 0)
        removeImages([other])
        let helperOnly = try TestRegistry.dockerConfig(["credsStore": "pass"], test: self)
        let empty = store.appendingPathComponent("empty").path
        let emptyStore = try CLI.shell("""
            export \(shellEnv) PASSWORD_STORE_DIR='\(empty)'; \
            pass init "$(gpg --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')" >/dev/null
            """)
        XCTAssertEqual(emptyStore.status, 0, emptyStore.stderr)
        var noLogin = env
        noLogin["DOCKER_CONFIG"] = helperOnly.path
        noLogin["PASSWORD_STORE_DIR"] = empty
        let refused = try CLI.run(["push", other, "--progress", "quiet"], environment: noLogin)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("registry \(registry.host) refused the push"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("docker-credential-pass"), "names the helper it asked: \(refused.stderr)")
        XCTAssertEqual(try registry.tags("ps-push/helper"), ["v1"])
    }

    func testAWrongPasswordIsRefusedNamingTheRegistryAndWhereTheLoginCameFrom() throws {
        let registry = try TestRegistry(test: self)
        let name = "\(registry.host)/ps-push/refused:v1"
        removeImages([name])
        XCTAssertEqual(try CLI.shell("docker tag \(Engine.base) \(name)").status, 0)

        let config = try registry.dockerConfig(password: "not-the-password", test: self)
        let refused = try CLI.run(["push", name, "--progress", "quiet"], environment: CLI.environment(["DOCKER_CONFIG": config.path]))
        XCTAssertEqual(refused.status, 1, refused.stderr)
        let lines = refused.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line: \(refused.stderr)")
        let line = String(lines.first ?? "")
        XCTAssertTrue(line.hasPrefix("error: registry \(registry.host) refused the push (unauthorized"), line)
        XCTAssertTrue(line.contains("auths[\"\(registry.host)\"] in \(config.path)/config.json"), line)
        XCTAssertTrue(line.contains("docker login \(registry.host)"), line)
        XCTAssertEqual(refused.stdout, "")

        // No config at all: the message says where the login was looked for.
        let none = FileManager.default.temporaryDirectory.appendingPathComponent("ps-no-config-\(UUID().uuidString.prefix(8))").path
        let anonymous = try CLI.run(["push", name, "--progress", "quiet"], environment: CLI.environment(["DOCKER_CONFIG": none]))
        XCTAssertEqual(anonymous.status, 1, anonymous.stderr)
        XCTAssertTrue(anonymous.stderr.contains("no login for \(registry.host) in \(none)/config.json (no such file)"), anonymous.stderr)
        XCTAssertEqual(try registry.catalog(), [], "nothing was stored")
    }

    func testANameThatIsNotAReferenceExitsTwoBeforeAnythingIsSent() throws {
        // Every connection to the engine goes through the proxy, which counts them.
        let proxy = try SocketProxy(upstream: "/var/run/docker.sock")
        defer { proxy.cutAll() }
        let env = CLI.environment(["DOCKER_HOST": "unix://\(proxy.path)"])
        let bad: [([String], String)] = [
            (["push", "127.0.0.1:5000/ps-Bad//model"], "NAME: '127.0.0.1:5000/ps-Bad//model' is not an image name"),
            (["push", "ps-model@sha256:" + String(repeating: "a", count: 64)], "names a digest"),
            (["push", "ps-model:v1", "--progress", "loud"], "--progress: 'loud' is not one of"),
            (["push", "ps-model:-v1"], "is not an image name"),
            (["build", "examples/hello", "-t", "ps-Model//x", "--push"], "-t: 'ps-Model//x' is not an image name"),
        ]
        for (arguments, message) in bad {
            let r = try CLI.run(arguments, environment: env)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("error: ") && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        XCTAssertEqual(proxy.connections, 0, "nothing reached the engine")

        // The same proxy sees a valid name's push: the engine is asked, and has no such image.
        let missing = try CLI.run(["push", "127.0.0.1:1/ps-push/missing:v1"], environment: env)
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("the engine has no image 127.0.0.1:1/ps-push/missing:v1"), missing.stderr)
        XCTAssertGreaterThan(proxy.connections, 0)
    }

    func testAnUnreachableOrUnknownRegistryIsAClearError() throws {
        let closed = try TestRegistry.freePort()
        for name in ["127.0.0.1:\(closed)/ps-push/unreachable:v1", "ps-registry.invalid/ps-push/unknown:v1"] {
            XCTAssertEqual(try CLI.shell("docker tag \(Engine.base) \(name)").status, 0)
            removeImages([name])
            let r = try CLI.run(["push", name, "--progress", "quiet"])
            XCTAssertEqual(r.status, 1, r.stderr)
            let registry = String(name.prefix { $0 != "/" })
            XCTAssertTrue(r.stderr.hasPrefix("error: registry \(registry) cannot be reached: "), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
    }

    func testBuildPushBuildsAndPushes() throws {
        let registry = try TestRegistry(test: self)
        let name = "\(registry.host)/ps-push/built:v1"
        removeImages([name])
        let config = try registry.dockerConfig(test: self)
        let r = try CLI.run(["build", try model().path, "-t", name, "--push", "--progress", "json"],
                            environment: CLI.environment(["DOCKER_CONFIG": config.path]))
        XCTAssertEqual(r.status, 0, String(r.stderr.suffix(3000)))
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, r.stdout)
        XCTAssertTrue(lines.first?.hasPrefix("built \(name) ") ?? false, r.stdout)
        let digest = pushedDigest(r.stdout, name: name)
        XCTAssertEqual(try registry.manifestDigest("ps-push/built", tag: "v1"), digest)
        // The build's steps and the push's layers share the JSON stream.
        let kinds = Set(events(r.stderr).compactMap { $0["event"] as? String })
        XCTAssertTrue(kinds.isSuperset(of: ["start", "done", "push", "layer", "manifest"]), "\(kinds)")
        let manifest = events(r.stderr).first { $0["event"] as? String == "manifest" }
        XCTAssertEqual(manifest?["digest"] as? String, digest)
    }

    /// A new version of a model (predict.py edited, the same weights) sends none of the weights:
    /// the engine finds their layer in the registry ("Layer already exists"), and the registry
    /// grows by the new source layer and manifest only.
    func testASecondVersionSendsNoWeightsBytes() throws {
        let registry = try TestRegistry(test: self)
        let config = try registry.dockerConfig(test: self)
        let env = CLI.environment(["DOCKER_CONFIG": config.path])
        let dir = try model()
        let first = "\(registry.host)/ps-push/versions:v1", second = "\(registry.host)/ps-push/versions:v2"
        removeImages([first, second])

        let v1 = try CLI.run(["build", dir.path, "-t", first, "--push", "--progress", "json"], environment: env)
        XCTAssertEqual(v1.status, 0, String(v1.stderr.suffix(3000)))
        let pushed1 = events(v1.stderr).filter { $0["event"] as? String == "layer" && $0["status"] as? String == "pushed" }
        let weights = try XCTUnwrap(pushed1.first { ($0["bytes"] as? Int ?? 0) >= Self.weightsBytes }?["layer"] as? String,
                                    "a layer of the weights' size was pushed: \(pushed1)")
        let stored = try registry.storedBytes()
        XCTAssertGreaterThanOrEqual(stored, Int64(Self.weightsBytes))

        try Data("\n# version 2\n".utf8).append(to: dir.appendingPathComponent("predict.py"))
        let v2 = try CLI.run(["build", dir.path, "-t", second, "--push", "--progress", "json"], environment: env)
        XCTAssertEqual(v2.status, 0, String(v2.stderr.suffix(3000)))
        let layers2 = events(v2.stderr).filter { $0["event"] as? String == "layer" }
        let weightsEvents = layers2.filter { $0["layer"] as? String == weights }
        XCTAssertEqual(weightsEvents.last?["status"] as? String, "exists", "the weights layer is already in the registry: \(weightsEvents)")
        XCTAssertFalse(weightsEvents.contains { $0["status"] as? String == "pushing" }, "no byte of the weights is read for upload")
        let sent = layers2.filter { $0["status"] as? String == "pushed" }.reduce(0) { $0 + ($1["bytes"] as? Int ?? 0) }
        XCTAssertGreaterThan(sent, 0, "the edited source is sent")
        XCTAssertLessThan(sent, Self.weightsBytes / 100, "under 1% of the weights' bytes: \(layers2)")
        let growth = try registry.storedBytes() - stored
        XCTAssertLessThan(growth, Int64(Self.weightsBytes / 100), "the registry grew by \(growth) bytes")
        XCTAssertEqual(try registry.tags("ps-push/versions").sorted(), ["v1", "v2"])
        XCTAssertEqual(try registry.manifestDigest("ps-push/versions", tag: "v2"), pushedDigest(v2.stdout, name: second))
    }
}

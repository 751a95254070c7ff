import Foundation
import XCTest

/// `cogpack base --push REF`: the base of an engine goes to a real registry (started by the test,
/// with a login) through `cogpack push`'s path, under REF's repository and the base's own tag,
/// with the same image ID, so that engines which pull it share build cache. The engine is a
/// second one the test starts, so that the names the push adds stay out of the machine's engine.
final class BasePushTests: XCTestCase {
    func testTheBaseReachesTheRegistryWithTheSameImageID() throws {
        signal(SIGPIPE, SIG_IGN)
        let b = try SecondEngine(test: self)
        try b.provideBase()
        let registry = try TestRegistry(test: self)
        let config = try registry.dockerConfig(test: self)
        let repository = "cogpack-it-prune-base"
        let tag = String(Engine.base.split(separator: ":").last!)
        let remote = "\(registry.host)/\(repository)"
        let onB = CLI.environment(["DOCKER_CONFIG": config.path, "DOCKER_HOST": b.host])

        let r = try CLI.run(["base", "--push", remote], environment: onB)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\(Engine.base) is already in the engine"), r.stdout)
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("pushed \(remote):\(tag) sha256:"), r.stdout)
        let printed = last.split(separator: " ").dropFirst(2).first.map(String.init)

        XCTAssertEqual(try registry.tags(repository), [tag])
        let digest = try registry.manifestDigest(repository, tag: tag)
        XCTAssertEqual(digest, printed)
        // The config the registry holds is the local image's: its digest is the image ID.
        let manifest = try JSONSerialization.jsonObject(with: Data(try registry.get("/v2/\(repository)/manifests/\(tag)",
            accept: "application/vnd.docker.distribution.manifest.v2+json").utf8)) as? [String: Any]
        let configDigest = try XCTUnwrap((manifest?["config"] as? [String: Any])?["digest"] as? String)
        let localID = try CLI.shell("docker -H \(b.host) image inspect -f '{{.Id}}' \(Engine.base)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(configDigest, localID)
        print("base pushed: \(last); config \(configDigest) = local image ID")

        // Pushed again: every layer is already there.
        let again = try CLI.run(["base", "--push", "\(remote):\(tag)"], environment: onB)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("0 sent"), again.stdout)
    }

    func testAPushNameThatCannotBeUsedIsExit2BeforeAnythingIsSent() throws {
        let env = CLI.environment(["DOCKER_HOST": "unix:///nonexistent/cogpack-it-prune.sock"])
        for (args, needle) in [
            (["base", "--push", "Not A//Name"], "is not an image name"),
            (["base", "--push", "127.0.0.1:5000/b@sha256:" + String(repeating: "a", count: 64)], "names a digest"),
            (["base", "--all", "--push", "127.0.0.1:5000/b:one"], "releases are made"),
            (["base", "--suite", "bookworm", "--suite", "trixie", "--push", "127.0.0.1:5000/b:one"], "leave out the tag"),
        ] {
            let r = try CLI.run(args, environment: env)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("error: --push: "), "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(needle), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
    }
}

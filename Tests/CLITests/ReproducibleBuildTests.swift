import Foundation
import XCTest

/// Two cold builds of one lock give the same layers, byte for byte (docs/reproducibility.md):
/// BuildKit v0.8 writes each file's time into the layer, and a build from a lock fixes them all.
final class ReproducibleBuildTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    static let inlineCache = "moby.buildkit.cache.v0"

    /// The image's config as the engine stores it (`docker save`).
    private func config(_ tag: String) throws -> [String: Any] {
        let r = try CLI.shell("docker save \(tag) | tar -xO --wildcards '*.json' --exclude manifest.json --exclude repositories")
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    private func layers(_ tag: String) throws -> [String] {
        let r = try CLI.shell("docker image inspect \(tag) --format '{{json .RootFS.Layers}}'")
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String], r.stdout)
    }

    func testTwoColdBuildsOfOneLockGiveTheSameLayers() throws {
        // Every step finds the runtime's /etc/hosts (and the first one the CA bundle's mount
        // point) only in a base that `cogpack base` made with them; in an older one, BuildKit makes
        // and removes them in each step, which gives /etc the build's time in every exec layer.
        // Engine.prepare makes the base again when it is older.
        XCTAssertTrue(try Engine.baseIsCurrent(), "\(Engine.base) lacks /etc/hosts or the CA mount point")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-repro-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/hello"), to: dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        // six is a wheel; docopt 0.6.2 has none, so the install builds it from its source, which
        // leaves uv's lock file of a random name in /tmp (a mount for that reason).
        try "six==1.16.0\ndocopt==0.6.2\n".write(to: dir.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let lock = try CLI.run(["lock", dir.path])
        XCTAssertEqual(lock.status, 0, lock.stderr)

        let tags = ["cogpack-it-repro-1", "cogpack-it-repro-2"]
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(tags.joined(separator: " ")) >/dev/null 2>&1") }
        for tag in tags {
            let r = try CLI.run(["build", dir.path, "-t", tag, "--locked", "--no-cache", "--progress", "quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let (a, b) = (try layers(tags[0]), try layers(tags[1]))
        XCTAssertEqual(a.count, b.count)
        XCTAssertGreaterThanOrEqual(a.count, 7, "the base, apt, venv, the two locked installs, the schema, the source")
        XCTAssertEqual(a.first, b.first, "the same base")
        for i in 1..<a.count {
            XCTAssertEqual(a[i], b[i], "layer \(i) differs between two builds of one lock")
        }
        // The configs are the same but for BuildKit's inline cache, whose records carry the
        // time each was made (`createdAt`): the image IDs differ by that alone.
        let (ca, cb) = (try config(tags[0]), try config(tags[1]))
        XCTAssertNotNil(ca[Self.inlineCache])
        XCTAssertEqual(NSDictionary(dictionary: ca.filter { $0.key != Self.inlineCache }),
                       NSDictionary(dictionary: cb.filter { $0.key != Self.inlineCache }))
        XCTAssertNotEqual(try imageID(tags[0]), try imageID(tags[1]), "the inline cache's times alone")

        // Without the inline cache, the two images are one: the same ID, from the same config.
        let plain = ["cogpack-it-repro-3", "cogpack-it-repro-4"]
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(plain.joined(separator: " ")) >/dev/null 2>&1") }
        for tag in plain {
            let r = try CLI.run(["build", dir.path, "-t", tag, "--locked", "--no-cache", "--no-inline-cache", "--progress", "quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        XCTAssertNil(try config(plain[0])[Self.inlineCache])
        XCTAssertEqual(try layers(plain[0]), a, "the same layers as with the cache records")
        XCTAssertEqual(try imageID(plain[0]), try imageID(plain[1]), "two builds of one lock without the inline cache")
    }

    private func imageID(_ tag: String) throws -> String {
        let r = try CLI.shell("docker image inspect \(tag) --format '{{.Id}}'")
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

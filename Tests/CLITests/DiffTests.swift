import Foundation
import XCTest

/// `cogpack diff` against the real engine: two images of a tiny model locked with `six==1.16.0`
/// and `six==1.17.0` differ in that package only (exit 1), read from their labels; an image
/// against itself, or a locked build against one of the same model without a lock (choices only,
/// said so), has no differences (exit 0); the two lock files give the same report; an unknown
/// image, an image cogpack did not build, a broken lock and an image against a lock are exit 2.
final class DiffTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    private func write(_ dir: URL, _ path: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    private func tag(_ name: String) -> String {
        let t = "df-\(name)-\(UUID().uuidString.prefix(8).lowercased())"
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(t) >/dev/null 2>&1") }
        return t
    }

    private func lockAndBuild(_ dir: URL, six: String, keepLockAs copy: URL) throws -> String {
        try write(dir, "requirements.txt", "six==\(six)\n")
        let locked = try CLI.run(["lock", dir.path])
        XCTAssertEqual(locked.status, 0, locked.stderr)
        try FileManager.default.copyItem(at: dir.appendingPathComponent("cogpack.lock"), to: copy)
        let image = tag("six\(six.replacingOccurrences(of: ".", with: ""))")
        let built = try CLI.run(["build", dir.path, "-t", image, "--locked", "--progress", "quiet"])
        XCTAssertEqual(built.status, 0, built.stderr)
        return image
    }

    func testTwoLockedImagesDifferInTheirPinnedPackage() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("it-diff-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try write(dir, "cog.yaml", "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try write(dir, "predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"ok\"\n")
        let lockA = root.appendingPathComponent("a.lock"), lockB = root.appendingPathComponent("b.lock")
        let a = try lockAndBuild(dir, six: "1.16.0", keepLockAs: lockA)
        let b = try lockAndBuild(dir, six: "1.17.0", keepLockAs: lockB)

        // The label lists the lock's pins.
        let label = try CLI.shell("docker image inspect \(a) --format '{{index .Config.Labels \"dev.cogpack.lock.packages\"}}'").stdout
        XCTAssertTrue(label.split(separator: "\n").contains("six==1.16.0"), label)

        let diff = try CLI.run(["diff", a, b])
        XCTAssertEqual(diff.status, 1, diff.stderr)
        let lines = diff.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.suffix(2)), ["packages", "  six 1.16.0 → 1.17.0"], diff.stdout)
        XCTAssertFalse(diff.stdout.contains("resolver choices"), diff.stdout)
        XCTAssertTrue(lines[0].hasPrefix("- \(a)  lock sha256:") && lines[1].hasPrefix("+ \(b)  lock sha256:"), diff.stdout)

        let json = try CLI.run(["diff", a, b, "--json"])
        XCTAssertEqual(json.status, 1)
        let object = try json.json()
        XCTAssertEqual(object["status"] as? String, "different")
        XCTAssertEqual(object["choices"] as? [[String: String]], [])
        XCTAssertEqual(object["packages"] as? [[String: String]], [["name": "six", "old": "1.16.0", "new": "1.17.0"]])

        let same = try CLI.run(["diff", a, a])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertEqual(same.stdout.split(separator: "\n").last, "no differences")

        // The lock files say the same as the images' labels.
        let locks = try CLI.run(["diff", lockA.path, lockB.path])
        XCTAssertEqual(locks.status, 1, locks.stderr)
        XCTAssertEqual(Array(locks.stdout.split(separator: "\n").suffix(2)), ["packages", "  six 1.16.0 → 1.17.0"], locks.stdout)
        XCTAssertEqual(try CLI.run(["diff", lockB.path, lockB.path]).status, 0)

        // Without a lock the same model resolves to the same choices: no differences, and the
        // report says that packages were not compared.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("cogpack.lock"))
        let plain = tag("plain")
        XCTAssertEqual(try CLI.run(["build", dir.path, "-t", plain, "--progress", "quiet"]).status, 0)
        let unlocked = try CLI.run(["diff", b, plain])
        XCTAssertEqual(unlocked.status, 0, unlocked.stdout + unlocked.stderr)
        XCTAssertTrue(unlocked.stdout.contains("note: '\(plain)' was built without a lock"), unlocked.stdout)
        XCTAssertTrue(unlocked.stdout.contains("+ \(plain)  no lock"), unlocked.stdout)
        XCTAssertEqual(try CLI.run(["diff", b, plain, "--json"]).json()["packages"] as? NSNull, NSNull())

        // Bad arguments: one line, exit 2.
        let broken = root.appendingPathComponent("broken.lock")
        try write(root, "broken.lock", "# cogpack-lock: format=1\nsix\n")
        for (args, needle) in [
            (["diff", a, "df-no-such-image-\(UUID().uuidString.prefix(8).lowercased())"], "error: IMAGE_B: no lock file and no image of the engine is named"),
            (["diff", Engine.base, a], "error: IMAGE_A: '\(Engine.base)' was not built by cogpack"),
            (["diff", lockA.path, broken.path], "error: \(broken.path):2: "),
            (["diff", lockA.path, a], "is a lock file and '\(a)' an image"),
        ] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stdout) \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(needle), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
        }
    }
}

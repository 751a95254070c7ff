import Foundation
import XCTest

/// `cogpack lock` against the package index and the real engine, on a small CPU model with an
/// unpinned requirement that brings others (requests) and one the SDK does not need
/// (python-dateutil): every package of the image's environment is in the lock, and the image
/// built from it holds exactly those; a stale lock is named by its changed line; a lock made
/// for another CUDA is refused; `--upgrade` moves a version and says so.
final class LockTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    private func model() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-lock-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try write(dir, "cog.yaml", "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try write(dir, "predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"ok\"\n")
        try write(dir, "requirements.txt", "requests\npython-dateutil\n")
        return dir
    }

    private func write(_ dir: URL, _ path: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    private func read(_ dir: URL, _ path: String = "cogpack.lock") throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    /// `name==version` of every package line of a lock.
    private func pins(_ lock: String) -> Set<String> {
        Set(lock.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.split(separator: " ")[0]) })
    }

    private func lock(_ dir: URL, _ extra: [String] = []) throws -> CLI.Result {
        let r = try CLI.run(["lock", dir.path] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r
    }

    private func tag() -> String {
        let t = "lk-lock-\(UUID().uuidString.prefix(8).lowercased())"
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(t) >/dev/null 2>&1") }
        return t
    }

    func testImageHoldsExactlyTheLockedPackagesAndAStaleLockIsNamed() throws {
        let dir = try model()
        try lock(dir)
        let text = try read(dir)
        let locked = pins(text)
        let names = Set(locked.map { String($0.split(separator: "=")[0]) })
        // The unpinned requirements, what they bring, and the SDK with its own.
        XCTAssertTrue(names.isSuperset(of: ["requests", "urllib3", "idna", "certifi", "python-dateutil", "cog"]), "\(names)")
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            XCTAssertTrue(line.contains(" --hash=sha256:") && line.contains(" # stage="), String(line))
        }
        XCTAssertTrue(text.contains("# cogpack-lock: python=3.11\n") && text.contains("# cogpack-lock: cuda=none\n"), text)
        XCTAssertTrue(text.contains("python-dateutil==") && text.contains("stage=app"), text)
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)

        let image = tag()
        let built = try CLI.run(["build", dir.path, "-t", image, "--locked", "--progress", "quiet"])
        XCTAssertEqual(built.status, 0, built.stderr)
        // The environment of the image, as pip freeze lists it (names normalized as in the lock).
        let freeze = try CLI.shell("""
            docker run --rm --entrypoint /venv/bin/python \(image) -c "import importlib.metadata as m, re; \
            print('\\n'.join(re.sub(r'[-_.]+', '-', d.metadata['Name']).lower() + '==' + d.version for d in m.distributions()))"
            """)
        XCTAssertEqual(freeze.status, 0, freeze.stderr)
        XCTAssertEqual(Set(freeze.stdout.split(separator: "\n").map(String.init)), locked)
        let label = try CLI.shell("docker image inspect \(image) --format '{{index .Config.Labels \"dev.cogpack.lock\"}}'").stdout
        let digest = try CLI.shell("sha256sum '\(dir.appendingPathComponent("cogpack.lock").path)' | cut -d' ' -f1").stdout
        XCTAssertEqual(label.trimmingCharacters(in: .whitespacesAndNewlines), "sha256:" + digest.trimmingCharacters(in: .whitespacesAndNewlines))

        // A requirement added: the lock is stale at that line.
        try write(dir, "requirements.txt", "requests\npython-dateutil\nsix\n")
        let check = try CLI.run(["lock", "--check", dir.path])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("requirements.txt:3: 'six' is not in cogpack.lock"), check.stderr)
        let refused = try CLI.run(["build", dir.path, "-t", image, "--locked"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("error: requirements.txt:3: 'six' is not in cogpack.lock"), refused.stderr)
        // A line removed is named where the lock has it.
        try write(dir, "requirements.txt", "requests\n")
        let removed = try CLI.run(["build", dir.path, "-t", image, "--locked"])
        XCTAssertEqual(removed.status, 2)
        XCTAssertTrue(removed.stderr.contains("cogpack.lock:"), removed.stderr)
        XCTAssertTrue(removed.stderr.contains("'python-dateutil' of requirements.txt"), removed.stderr)
        // Comments and order do not count: what gets installed is the same.
        try write(dir, "requirements.txt", "# the model's packages\npython-dateutil\nrequests\n")
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)
    }

    func testALockMadeForAnotherCUDAIsRefused() throws {
        let dir = try model()
        try lock(dir)
        let text = try read(dir)
        let line = try XCTUnwrap(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "# cogpack-lock: cuda=none" }) + 1
        try write(dir, "cogpack.lock", text.replacingOccurrences(of: "# cogpack-lock: cuda=none\n", with: "# cogpack-lock: cuda=12.1\n"))
        let refused = try CLI.run(["build", dir.path, "-t", tag(), "--locked"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("error: cogpack.lock:\(line): the lock was made for cuda=12.1; the resolver now chooses cuda=none"), refused.stderr)
        let check = try CLI.run(["lock", "--check", dir.path])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("cuda=12.1"), check.stderr)
        // Without --locked the build relocks (the versions kept), says so, and installs from the
        // new lock: the image's label is the new lock file's digest.
        let image = tag()
        let built = try CLI.run(["build", dir.path, "-t", image, "--progress", "quiet"])
        XCTAssertEqual(built.status, 0, built.stderr)
        XCTAssertTrue(built.stderr.contains("warning: cogpack.lock is stale, so this build relocks it: cogpack.lock:\(line): the lock was made for cuda=12.1"), built.stderr)
        XCTAssertTrue(built.stderr.contains("wrote cogpack.lock"), built.stderr)
        let relocked = try read(dir)
        XCTAssertTrue(relocked.contains("# cogpack-lock: cuda=none\n"), relocked)
        XCTAssertEqual(pins(relocked), pins(text), "the same packages at the same versions")
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)
        let label = try CLI.shell("docker image inspect \(image) --format '{{index .Config.Labels \"dev.cogpack.lock\"}}'").stdout
        let digest = try CLI.shell("sha256sum '\(dir.appendingPathComponent("cogpack.lock").path)' | cut -d' ' -f1").stdout
        XCTAssertEqual(label.trimmingCharacters(in: .whitespacesAndNewlines), "sha256:" + digest.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A requirement added and `cogpack build` without --locked: the lock gains it (and what it
    /// brings), the versions it held stay, and the image holds the new lock's packages.
    func testABuildRelocksAStaleLock() throws {
        let dir = try model()
        try lock(dir)
        let before = pins(try read(dir))
        try write(dir, "requirements.txt", "requests\npython-dateutil\nsix\n")
        let image = tag()
        let built = try CLI.run(["build", dir.path, "-t", image, "--progress", "quiet"])
        XCTAssertEqual(built.status, 0, built.stderr)
        XCTAssertTrue(built.stderr.contains("warning: cogpack.lock is stale, so this build relocks it: requirements.txt:3: 'six' is not in cogpack.lock"), built.stderr)
        let after = pins(try read(dir))
        XCTAssertTrue(after.isSuperset(of: before), "locked versions kept: \(before.subtracting(after))")
        XCTAssertTrue(after.contains { $0.hasPrefix("six==") }, "\(after)")
        XCTAssertTrue(built.stderr.contains("+ six "), built.stderr)
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)
        let six = try CLI.shell("docker run --rm --entrypoint /venv/bin/python \(image) -c 'import importlib.metadata as m; print(m.version(\"six\"))'")
        XCTAssertEqual(six.status, 0, six.stderr)
        XCTAssertTrue(after.contains("six==" + six.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), six.stdout)
    }

    func testRelockKeepsVersionsAndUpgradeMovesThem() throws {
        let dir = try model()
        try lock(dir)
        let fresh = try read(dir)
        let newest = try XCTUnwrap(pins(fresh).first { $0.hasPrefix("idna==") })
        // An older idna, as a lock made earlier would hold it.
        let old = fresh.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("idna==") ? "idna==3.4 --hash=sha256:" + String(repeating: "0", count: 64) + " # stage=cog" : String(line)
        }.joined(separator: "\n")
        try write(dir, "cogpack.lock", old)
        // Locking again keeps what still fits (with the right hashes)...
        let kept = try lock(dir)
        XCTAssertFalse(kept.stdout.contains("idna"), kept.stdout)
        XCTAssertTrue(pins(try read(dir)).contains("idna==3.4"))
        XCTAssertFalse(try read(dir).contains(String(repeating: "0", count: 64)))
        // ...and --upgrade moves the named package forward, saying from what to what.
        let upgraded = try lock(dir, ["--upgrade", "idna"])
        XCTAssertTrue(upgraded.stdout.contains("idna 3.4 → \(newest.dropFirst("idna==".count))"), upgraded.stdout)
        XCTAssertEqual(pins(try read(dir)), pins(fresh))
        let unknown = try CLI.run(["lock", dir.path, "--upgrade", "no-such-package"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--upgrade"), unknown.stderr)
    }
}

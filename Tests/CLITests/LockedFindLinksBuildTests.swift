import Foundation
import XCTest

/// `cogpack lock` of a model that ships a wheelhouse (`--find-links wheels`), against the package
/// index and the real engine: the wheel uv takes from the folder is locked by the sha256 of the
/// file (uv gives none) at its path in the model, what it needs from the index with hashes; the
/// image built `--locked` holds exactly the locked packages, the wheel's own files; a replaced
/// wheel makes the lock stale at the `--find-links` line, and `cogpack diff` of the locks shows
/// the new hash.
final class LockedFindLinksBuildTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// A pure-Python wheel of `cogpack-flpkg` 1.2.0 (a name no index serves) that requires six,
    /// in `wheels/`; `marker` goes into its module, so that two wheels of one version differ in
    /// their bytes.
    private func wheel(_ dir: URL, marker: String) throws {
        try ModelFiles.wheel(dir, "wheels/cogpack_flpkg-1.2.0-py3-none-any.whl", name: "cogpack-flpkg", version: "1.2.0",
                             module: "MARKER = \"\(marker)\"\n", requires: ["six"])
    }

    private func sha256(_ dir: URL, _ path: String) throws -> String {
        try CLI.shell("sha256sum '\(dir.appendingPathComponent(path).path)' | cut -d' ' -f1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testAWheelhouseOfTheModelIsLockedBuiltAndGoesStale() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-lock-fl-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try ModelFiles.write(dir, "cog.yaml", "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try ModelFiles.write(dir, "predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"ok\"\n")
        try ModelFiles.write(dir, "requirements.txt", "--find-links wheels\ncogpack-flpkg\n")
        try wheel(dir, marker: "first")
        let first = try sha256(dir, "wheels/cogpack_flpkg-1.2.0-py3-none-any.whl")

        let locked = try CLI.run(["lock", dir.path])
        XCTAssertEqual(locked.status, 0, locked.stderr)
        let text = try String(contentsOf: dir.appendingPathComponent("cogpack.lock"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("# cogpack-lock: format=2"), text)
        XCTAssertTrue(lines.contains("# cogpack-lock: find-links=wheels cogpack_flpkg-1.2.0-py3-none-any.whl sha256:\(first)"), text)
        XCTAssertTrue(lines.contains("cogpack-flpkg @ file:wheels/cogpack_flpkg-1.2.0-py3-none-any.whl --hash=sha256:\(first) # stage=app version=1.2.0 find-links=wheels"), text)
        // What the wheel needs comes from the index, hashed; no path of this machine is in the lock.
        let six = try XCTUnwrap(lines.first { $0.hasPrefix("six==") }, text)
        XCTAssertTrue(six.contains(" --hash=sha256:") && six.contains(" index=https://pypi.org/simple"), six)
        XCTAssertFalse(text.contains(dir.path) || text.contains("file://"), text)
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)

        let image = "cogpack-fl-\(UUID().uuidString.prefix(8).lowercased())"
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(image) >/dev/null 2>&1") }
        let built = try CLI.run(["build", dir.path, "-t", image, "--locked", "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr + built.stdout)
        XCTAssertTrue(built.stderr.contains("--require-hashes"), built.stderr)
        let freeze = try CLI.shell("""
            docker run --rm --entrypoint /venv/bin/python \(image) -c "import importlib.metadata as m, re, cogpack_flpkg; \
            print('\\n'.join(re.sub(r'[-_.]+', '-', d.metadata['Name']).lower() + '==' + d.version for d in m.distributions())); \
            print('marker ' + cogpack_flpkg.MARKER)"
            """)
        XCTAssertEqual(freeze.status, 0, freeze.stderr)
        let out = freeze.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(out.contains("marker first"), freeze.stdout)
        var expected = Set<String>()
        for line in lines where !line.hasPrefix("#") {
            let words = line.split(separator: " ").map(String.init)
            if words.count > 1, words[1] == "@" {
                let version = try XCTUnwrap(line.range(of: " version=").map { String(line[$0.upperBound...].prefix { $0 != " " }) }, line)
                expected.insert(words[0] + "==" + version)
            } else {
                expected.insert(words[0])
            }
        }
        XCTAssertEqual(Set(out.filter { !$0.hasPrefix("marker ") }), expected, freeze.stdout)

        // Another wheel of the same version: stale at the --find-links line; --locked refuses.
        let before = dir.appendingPathComponent("before.lock")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("cogpack.lock"), to: before)
        try wheel(dir, marker: "second")
        let second = try sha256(dir, "wheels/cogpack_flpkg-1.2.0-py3-none-any.whl")
        XCTAssertNotEqual(second, first)
        let check = try CLI.run(["lock", "--check", dir.path])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("stale: requirements.txt:1: the --find-links folder wheels changed since the lock was made: "
                                            + "wheels/cogpack_flpkg-1.2.0-py3-none-any.whl changed (its sha256 is sha256:\(second), the lock has sha256:\(first))"), check.stderr)
        let refused = try CLI.run(["build", dir.path, "-t", image, "--locked"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("error: requirements.txt:1: the --find-links folder wheels changed"), refused.stderr)

        // Locked again: the new hash, shown as a changed pin by lock and by diff.
        let relocked = try CLI.run(["lock", dir.path])
        XCTAssertEqual(relocked.status, 0, relocked.stderr)
        XCTAssertTrue(relocked.stdout.contains("cogpack-flpkg 1.2.0 sha256:\(first) → 1.2.0 sha256:\(second)"), relocked.stdout)
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)
        let diff = try CLI.run(["diff", before.path, dir.appendingPathComponent("cogpack.lock").path])
        XCTAssertEqual(diff.status, 1, diff.stderr)
        XCTAssertTrue(diff.stdout.contains("cogpack-flpkg 1.2.0 sha256:\(first) → 1.2.0 sha256:\(second)"), diff.stdout)
    }
}

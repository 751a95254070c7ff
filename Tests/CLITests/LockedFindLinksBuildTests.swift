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

    private func write(_ dir: URL, _ path: String, _ text: String) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A pure-Python wheel of `cogpack-flpkg` 1.2.0 (a name no index serves) that requires six, written by hand (fixed zip dates,
    /// a RECORD of its files' hashes) into `wheels/`; `marker` goes into its module, so that two
    /// wheels of one version differ in their bytes.
    private func wheel(_ dir: URL, marker: String) throws {
        let script = """
            import base64, hashlib, sys, zipfile
            out, marker = sys.argv[1:3]
            info = "cogpack_flpkg-1.2.0.dist-info"
            files = {"cogpack_flpkg/__init__.py": f'MARKER = "{marker}"\\n',
                     f"{info}/METADATA": "Metadata-Version: 2.1\\nName: cogpack-flpkg\\nVersion: 1.2.0\\nRequires-Dist: six\\n",
                     f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: cogpack-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
            record = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(t.encode()).digest()).rstrip(b'=').decode()},{len(t.encode())}\\n" for p, t in files.items())
            files[f"{info}/RECORD"] = record + f"{info}/RECORD,,\\n"
            with zipfile.ZipFile(out, "w") as z:
                for p, t in files.items():
                    z.writestr(zipfile.ZipInfo(p, (1980, 1, 1, 0, 0, 0)), t)
            """
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("make-wheel-\(UUID().uuidString.prefix(8)).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let path = dir.appendingPathComponent("wheels/cogpack_flpkg-1.2.0-py3-none-any.whl").path
        let made = try CLI.shell("mkdir -p '\(dir.appendingPathComponent("wheels").path)' && python3 '\(scriptURL.path)' '\(path)' '\(marker)'")
        XCTAssertEqual(made.status, 0, made.stderr)
    }

    private func sha256(_ dir: URL, _ path: String) throws -> String {
        try CLI.shell("sha256sum '\(dir.appendingPathComponent(path).path)' | cut -d' ' -f1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testAWheelhouseOfTheModelIsLockedBuiltAndGoesStale() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-lock-fl-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try write(dir, "cog.yaml", "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try write(dir, "predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"ok\"\n")
        try write(dir, "requirements.txt", "--find-links wheels\ncogpack-flpkg\n")
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

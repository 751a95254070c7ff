import Foundation
import XCTest

/// `cogpack lock` of a model whose requirements are not all on an index, against the package
/// index and the real engine: a source folder of the model, a git repository inside it (no commit
/// named: its HEAD), a wheel by URL, a wheel file of the model, and an index package that brings
/// another. The lock pins each (the folder by its digest, the repository by its commit, the URL
/// and the file by their hash); the image built `--locked` holds exactly the locked packages, the checkout at the locked commit;
/// an edit of the folder or a new commit makes the lock stale, named by path, and `cogpack diff`
/// of the locks shows what moved.
final class LockedSourcesBuildTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// iniconfig 2.0.0's wheel on PyPI's file host, and its sha256 as PyPI lists it.
    static let wheelURL = "https://files.pythonhosted.org/packages/ef/a6/62565a6e1cf69e10f5727360368e451d4b7f58beeac6173dc9db836a5b46/iniconfig-2.0.0-py3-none-any.whl"
    static let wheelHash = "b6a85871a79d2e3b22d2d1b94ac2824226a63c6b741c88f7ae975f18b6778374"

    private func commit(_ repo: URL, _ message: String) throws -> String {
        let git = try CLI.shell("cd '\(repo.path)' && ([ -d .git ] || git init -q) && git add -A && git -c user.email=t@example.com -c user.name=t commit -qm '\(message)' && git rev-parse HEAD")
        XCTAssertEqual(git.status, 0, git.stderr)
        return git.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func model() throws -> (URL, commit: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-lock-src-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try ModelFiles.write(dir, "cog.yaml", "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try ModelFiles.write(dir, "predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"ok\"\n")
        try ModelFiles.package(dir, "local_pkg", "localpkg", "0.3.0")
        try ModelFiles.package(dir, "vendor/gitpkg", "gitpkg", "0.2.0")
        let sha = try commit(dir.appendingPathComponent("vendor/gitpkg"), "init")
        try ModelFiles.wheel(dir, "dist/localwheel-0.4.0-py3-none-any.whl", name: "localwheel", version: "0.4.0", module: "VERSION = \"0.4.0\"\n")
        try ModelFiles.write(dir, "requirements.txt", """
            ./local_pkg
            git+file:vendor/gitpkg
            iniconfig @ \(Self.wheelURL)
            python-dateutil
            dist/localwheel-0.4.0-py3-none-any.whl

            """)
        return (dir, sha)
    }

    private func read(_ dir: URL, _ path: String = "cogpack.lock") throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    func testFoldersRepositoriesAndURLsAreLockedBuiltAndGoStale() throws {
        let (dir, sha) = try model()
        let locked = try CLI.run(["lock", dir.path])
        XCTAssertEqual(locked.status, 0, locked.stderr)
        // uv ran with git in a container of the base with git added, which the engine keeps for
        // later locks: saved before the model's files went in, it holds none of them.
        let gitImages = try CLI.shell("docker images cogpack/lock-git --format '{{.Repository}}:{{.Tag}}'")
        let gitImage = try XCTUnwrap(gitImages.stdout.split(separator: "\n").first.map(String.init), gitImages.stderr)
        let inside = try CLI.shell("docker run --rm \(gitImage) sh -c 'git --version && test ! -e \(dir.resolvingSymlinksInPath().path) && test ! -e /cogpack-lock'")
        XCTAssertEqual(inside.status, 0, inside.stdout + inside.stderr)
        let text = try read(dir)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("# cogpack-lock: format=2"), text)
        // Each requirement with what pins it; the index packages, the one brought in too, hashed.
        XCTAssertTrue(lines.contains("iniconfig @ \(Self.wheelURL) --hash=sha256:\(Self.wheelHash) # stage=app version=2.0.0"), text)
        XCTAssertTrue(lines.contains("gitpkg @ git+file:vendor/gitpkg@\(sha) # stage=app version=0.2.0"), text)
        let wheelHash = try CLI.shell("sha256sum '\(dir.appendingPathComponent("dist/localwheel-0.4.0-py3-none-any.whl").path)' | cut -d' ' -f1").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(lines.contains("localwheel @ file:dist/localwheel-0.4.0-py3-none-any.whl --hash=sha256:\(wheelHash) # stage=app version=0.4.0"), text)
        let folder = try XCTUnwrap(lines.first { $0.hasPrefix("localpkg @ file:local_pkg # stage=app digest=sha256:") }, text)
        for name in ["python-dateutil==", "cog=="] {
            let line = try XCTUnwrap(lines.first { $0.hasPrefix(name) }, "\(name) in\n\(text)")
            XCTAssertTrue(line.contains(" --hash=sha256:") && line.contains(" index=https://pypi.org/simple"), line)
        }
        // What python-dateutil needs (nothing else here does), locked from the index with hashes.
        let brought = lines.filter { $0.contains("==") && $0.contains(" # stage=app index=") && !$0.hasPrefix("python-dateutil==") }
        XCTAssertFalse(brought.isEmpty, text)
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)

        let image = "cogpack-lu-sources-\(UUID().uuidString.prefix(8).lowercased())"
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(image) >/dev/null 2>&1") }
        let built = try CLI.run(["build", dir.path, "-t", image, "--locked", "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr + built.stdout)
        XCTAssertTrue(built.stderr.contains("--require-hashes") && built.stderr.contains("locked VCS commits and folders"), built.stderr)
        // The environment of the image, name==version (names normalized as in the lock), and
        // where the direct ones came from (PEP 610's direct_url.json).
        let freeze = try CLI.shell("""
            docker run --rm --entrypoint /venv/bin/python \(image) -c "import importlib.metadata as m, re, json; \
            ds = list(m.distributions()); \
            print('\\n'.join(re.sub(r'[-_.]+', '-', d.metadata['Name']).lower() + '==' + d.version for d in ds)); \
            print('\\n'.join('url ' + d.metadata['Name'] + ' ' + json.dumps(json.loads(d.read_text('direct_url.json')), sort_keys=True) for d in ds if d.read_text('direct_url.json')))"
            """)
        XCTAssertEqual(freeze.status, 0, freeze.stderr)
        let out = freeze.stdout.split(separator: "\n").map(String.init)
        let installed = Set(out.filter { !$0.hasPrefix("url ") })
        // The lock's pins; a folder's version is not recorded (its digest pins it): the package is 0.3.0.
        var expected = Set<String>()
        for line in lines where !line.hasPrefix("#") {
            let words = line.split(separator: " ").map(String.init)
            if words.count > 1, words[1] == "@" {
                let version = line.range(of: " version=").map { String(line[$0.upperBound...].prefix { $0 != " " }) }
                expected.insert(words[0] + "==" + (version ?? "0.3.0"))
            } else {
                expected.insert(words[0])
            }
        }
        XCTAssertEqual(installed, expected, freeze.stdout)
        let gitURL = try XCTUnwrap(out.first { $0.hasPrefix("url gitpkg ") }, freeze.stdout)
        XCTAssertTrue(gitURL.contains("\"commit_id\": \"\(sha)\""), gitURL)
        let wheel = try XCTUnwrap(out.first { $0.hasPrefix("url iniconfig ") }, freeze.stdout)
        XCTAssertTrue(wheel.contains("\"url\": \"\(Self.wheelURL)\""), wheel)
        let label = try CLI.shell("docker image inspect \(image) --format '{{index .Config.Labels \"dev.cogpack.lock.packages\"}}'").stdout
        XCTAssertTrue(label.contains("gitpkg==0.2.0 commit \(sha)"), label)

        // An edit of the local package: stale, named by its line and path; --locked refuses.
        let before = dir.appendingPathComponent("before.lock")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("cogpack.lock"), to: before)
        try ModelFiles.write(dir, "local_pkg/localpkg/extra.py", "X = 1\n")
        let check = try CLI.run(["lock", "--check", dir.path])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("stale: requirements.txt:1: the folder local_pkg changed since the lock was made"), check.stderr)
        let refused = try CLI.run(["build", dir.path, "-t", image, "--locked"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("error: requirements.txt:1: the folder local_pkg changed"), refused.stderr)

        // A commit in the repository moves its HEAD: stale too. Locked again, diff shows both.
        try ModelFiles.write(dir, "vendor/gitpkg/gitpkg/more.py", "Y = 2\n")
        let moved = try commit(dir.appendingPathComponent("vendor/gitpkg"), "two")
        XCTAssertNotEqual(moved, sha)
        let check2 = try CLI.run(["lock", "--check", dir.path])
        XCTAssertEqual(check2.status, 1)
        XCTAssertTrue(check2.stderr.contains("requirements.txt:2: the repository vendor/gitpkg moved since the lock was made (it is at commit \(moved)"),
                      check2.stderr)
        let relocked = try CLI.run(["lock", dir.path])
        XCTAssertEqual(relocked.status, 0, relocked.stderr)
        XCTAssertTrue(relocked.stdout.contains("gitpkg 0.2.0 commit \(sha) → 0.2.0 commit \(moved)"), relocked.stdout)
        XCTAssertEqual(try CLI.run(["lock", "--check", dir.path]).status, 0)
        let diff = try CLI.run(["diff", before.path, dir.appendingPathComponent("cogpack.lock").path])
        XCTAssertEqual(diff.status, 1, diff.stderr)
        XCTAssertTrue(diff.stdout.contains("gitpkg 0.2.0 commit \(sha) → 0.2.0 commit \(moved)"), diff.stdout)
        let oldDigest = String(folder.split(separator: "=").last!)
        XCTAssertTrue(diff.stdout.contains("localpkg \(oldDigest) → sha256:"), diff.stdout)
    }
}

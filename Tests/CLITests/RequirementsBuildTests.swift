import Foundation
import XCTest

/// A model whose requirements use what pip files hold: an extra index on its own line, a `-c`
/// file, a `--hash` pin, an unnamed VCS requirement from a git repository inside the model folder
/// (`git+file:` relative to it: a file URL of the host would not exist in the build container)
/// and a local path package, built for real and each checked in the image at its version.
final class RequirementsBuildTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    static let sixWheel = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"
    static let sixSdist = "1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926"

    private func model(sixHash: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-reqs-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try ModelFiles.write(dir, "cog.yaml", "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try ModelFiles.write(dir, "predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"ok\"\n")
        try ModelFiles.package(dir, "local_pkg", "localpkg", "0.3.0")
        try ModelFiles.package(dir, "vendor/gitpkg", "gitpkg", "0.2.0")
        let repo = dir.appendingPathComponent("vendor/gitpkg").path
        let git = try CLI.shell("cd '\(repo)' && git init -q && git add -A && git -c user.email=t@example.com -c user.name=t commit -qm init && git rev-parse HEAD")
        XCTAssertEqual(git.status, 0, git.stderr)
        let sha = git.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try ModelFiles.write(dir, "requirements.txt", """
            --extra-index-url https://pypi.org/simple
            -c constraints.txt
            six==1.16.0 \\
                --hash=sha256:\(sixHash)
            idna
            git+file:vendor/gitpkg@\(sha)
            ./local_pkg

            """)
        try ModelFiles.write(dir, "constraints.txt", "idna==3.7\n")
        return dir
    }

    func testIndexOptionsConstraintsHashesVCSAndPathRequirementsInstall() throws {
        let dir = try model(sixHash: Self.sixWheel + " \\\n    --hash=sha256:" + Self.sixSdist)
        let tag = "cogpack-it-requirements"
        addTeardownBlock { _ = try? CLI.shell("docker rmi -f \(tag) >/dev/null 2>&1") }

        let resolved = try CLI.run(["resolve", dir.path])
        XCTAssertEqual(resolved.status, 0, resolved.stderr)
        XCTAssertTrue(resolved.stdout.contains("warning: requirements.txt:7: a VCS requirement") && resolved.stdout.contains("not constrained"),
                      resolved.stdout)

        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stderr + built.stdout)
        XCTAssertTrue(built.stderr.contains("unsafe-best-match"), "the step says which index strategy it uses")

        let check = try CLI.shell("""
            docker run --rm --entrypoint python \(tag) -c "import six, idna, gitpkg, localpkg; print(six.__version__, idna.__version__, gitpkg.VERSION, localpkg.VERSION)"
            """)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "1.16.0 3.7 0.2.0 0.3.0",
                       "six pinned and hash-checked, idna held by the -c file, the git and path packages at their versions")
    }

    func testAWrongHashFailsTheBuild() throws {
        let dir = try model(sixHash: String(repeating: "0", count: 64))
        let built = try CLI.run(["build", dir.path, "-t", "cogpack-it-requirements-badhash", "--progress", "plain"])
        XCTAssertEqual(built.status, 1, "a hash that does not match must stop the install: \(built.stdout)")
        XCTAssertTrue((built.stderr + built.stdout).lowercased().contains("hash"), built.stderr)
    }
}

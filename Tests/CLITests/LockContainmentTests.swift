import Foundation
import XCTest

/// `cogpack lock` of a model whose source folder has a `setup.py`: uv must run it to learn the
/// package's dependencies, and it is the model's code. It runs in a container of the engine,
/// which sees the files of the model uv needs and none of this machine's: against the real engine
/// and the package index.
final class LockContainmentTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    func testASetupPyRunsInUvsContainerAndNotOnThisMachine() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("it-lock-hostile-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: scratch) }
        let dir = scratch.appendingPathComponent("model")
        // A file of this machine the model's code looks for, and one it would write.
        let secret = scratch.appendingPathComponent("secret.txt")
        let marker = scratch.appendingPathComponent("written-by-setup-py")
        try ModelFiles.write(scratch, "secret.txt", "host\n")
        try ModelFiles.write(dir, "cog.yaml", "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try ModelFiles.write(dir, "predict.py", "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"ok\"\n")
        try ModelFiles.write(dir, "requirements.txt", "./hostile_pkg\n")
        // Its dependencies are known only by running it (no static metadata): six where it cannot
        // see this machine's file, through its path or through a link of the model; iniconfig where it can.
        try ModelFiles.write(dir, "hostile_pkg/setup.py", """
            import os
            from setuptools import setup
            here = os.path.dirname(os.path.abspath(__file__))
            with open(\(pythonString(marker.path)), "w") as f:
                f.write("ran")
            sees_host = os.path.exists(\(pythonString(secret.path))) or os.path.exists(os.path.join(here, "link-to-secret"))
            setup(name="hostilepkg", version="0.1.0", packages=["hostilepkg"],
                  install_requires=["iniconfig"] if sees_host else ["six"])

            """)
        try ModelFiles.write(dir, "hostile_pkg/hostilepkg/__init__.py", "")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("hostile_pkg/link-to-secret").path,
                                                   withDestinationPath: secret.path)

        let locked = try CLI.run(["lock", dir.path])
        XCTAssertEqual(locked.status, 0, locked.stderr)
        let lock = try String(contentsOf: dir.appendingPathComponent("cogpack.lock"), encoding: .utf8)
        let names = lock.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: " ").first?.split(separator: "=").first }
        // setup.py ran (six is known only from it), somewhere this machine's files are not.
        XCTAssertTrue(names.contains("six"), lock)
        XCTAssertFalse(names.contains("iniconfig"), lock)
        XCTAssertTrue(lock.contains("hostilepkg @ file:hostile_pkg # stage=app digest=sha256:"), lock)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "setup.py wrote a file of this machine")
        // Nor did the build backend write into the model folder (setuptools' egg-info).
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("hostile_pkg").path).sorted()
        XCTAssertEqual(written, ["hostilepkg", "link-to-secret", "setup.py"])
        // uv's container is gone.
        let left = try CLI.shell("docker ps -aq --filter label=dev.cogpack.lock")
        XCTAssertEqual(left.status, 0, left.stderr)
        XCTAssertEqual(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "")
    }

    private func pythonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

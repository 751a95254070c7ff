import Foundation
import XCTest

/// Files the integration tests write into scratch models: text files (folders made as needed),
/// setuptools packages for path and VCS requirements, and pure-Python wheels made by hand.
enum ModelFiles {
    static func write(_ dir: URL, _ path: String, _ text: String) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A setuptools package `name` at `version` in `folder` of the model, importable as `name`,
    /// whose module says its `VERSION`.
    static func package(_ dir: URL, _ folder: String, _ name: String, _ version: String) throws {
        try write(dir, "\(folder)/pyproject.toml", """
            [build-system]
            requires = ["setuptools>=61"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "\(name)"
            version = "\(version)"

            """)
        try write(dir, "\(folder)/\(name)/__init__.py", "VERSION = \"\(version)\"\n")
    }

    /// A pure-Python wheel of `name` at `version` written to `path` of the model, byte for byte
    /// the same for the same arguments (fixed zip dates), with a RECORD of its files' hashes.
    /// Its module (`name` with `_` for `-`) holds `module`; `requires` are its Requires-Dist.
    static func wheel(_ dir: URL, _ path: String, name: String, version: String, module: String, requires: [String] = []) throws {
        let script = """
            import base64, hashlib, sys, zipfile
            out, name, version, module = sys.argv[1:5]
            requires = sys.argv[5:]
            top = name.replace("-", "_")
            info = f"{top}-{version}.dist-info"
            metadata = f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n" + "".join(f"Requires-Dist: {r}\\n" for r in requires)
            files = {f"{top}/__init__.py": module,
                     f"{info}/METADATA": metadata,
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
        let out = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        let arguments = [out.path, name, version, module] + requires
        let made = try CLI.shell("python3 '\(scriptURL.path)' " + arguments.map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " "))
        XCTAssertEqual(made.status, 0, made.stderr)
    }
}

import Foundation
import XCTest

/// An installed cogpack (PREFIX/bin and PREFIX/share/cogpack, as scripts/install.sh lays it out)
/// finds its knowledge without COGPACK_DATA or a checkout, and says which knowledge it loaded.
final class InstallTests: XCTestCase {
    func testAnInstalledBinaryFindsItsRulesAndNamesTheirDigest() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-prefix-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: prefix) }
        let share = prefix.appendingPathComponent("share/cogpack")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.executable, to: prefix.appendingPathComponent("bin/cogpack"))
        for part in ["rules", "data"] {
            try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent(part), to: share.appendingPathComponent(part))
        }
        let installed = prefix.appendingPathComponent("bin/cogpack").path
        let fromCheckout = try CLI.run(["--version"])
        let fromPrefix = try CLI.shell("cd / && env -i PATH=/usr/bin:/bin HOME='\(prefix.path)' '\(installed)' --version")
        XCTAssertEqual(fromPrefix.status, 0, fromPrefix.stderr)
        XCTAssertTrue(fromPrefix.stdout.contains(share.path), "the installed binary loads PREFIX/share/cogpack: \(fromPrefix.stdout)")
        let digest = { (s: String) in s.range(of: #"sha256:[0-9a-f]{64}"#, options: .regularExpression).map { String(s[$0]) } }
        XCTAssertNotNil(digest(fromPrefix.stdout), fromPrefix.stdout)
        XCTAssertEqual(digest(fromPrefix.stdout), digest(fromCheckout.stdout), "the same rules and data give the same digest")
        // It resolves with that knowledge, from any working folder.
        let resolved = try CLI.shell("cd / && env -i PATH=/usr/bin:/bin HOME='\(prefix.path)' '\(installed)' resolve '\(CLI.repo.appendingPathComponent("examples/hello").path)'")
        XCTAssertEqual(resolved.status, 0, resolved.stdout + resolved.stderr)
        XCTAssertTrue(resolved.stdout.contains("python       3.11"), resolved.stdout)
        // An edit of the knowledge changes the digest.
        try "# edited\n".data(using: .utf8)!.append(to: share.appendingPathComponent("rules/apt.yaml"))
        let edited = try CLI.shell("cd / && env -i PATH=/usr/bin:/bin '\(installed)' --version")
        XCTAssertNotEqual(digest(edited.stdout), digest(fromPrefix.stdout))
    }
}

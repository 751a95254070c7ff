import Foundation
@testable import Planner
import XCTest

/// The labels Cog reads from the model's git repository: a hostile repository's configuration
/// must not make cogpack run a program on this machine while it reads them.
final class HostileRepositoryTests: XCTestCase {
    private func sh(_ script: String, in dir: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, script)
    }

    /// `.git/config` names an fsmonitor hook and a clean filter (chosen for every file by
    /// `.gitattributes`, and included from another file), each of which would leave a marker;
    /// `git describe --dirty` runs both when it is not told otherwise (seen with git 2.39).
    func testNeitherAnFsmonitorHookNorACleanFilterRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-repo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let markers = (1...3).map { dir.appendingPathComponent("ran-\($0)").path }
        try sh("""
            git init -q . && echo a > a && git add a && git -c user.email=t@t -c user.name=t commit -qm one && git tag v1
            git config core.fsmonitor 'touch \(markers[0]); false'
            printf '* filter=evil\\n*.py filter=more.evil\\n' > .gitattributes
            git config filter.evil.clean 'sh -c "touch \(markers[1]); cat"'
            printf '[filter "more.evil"]\\n\\tprocess = touch \(markers[2])\\n' > .git/extra && git config include.path extra
            echo b > a
            """, in: dir)
        XCTAssertEqual(Set(VersionControl.filterNames(in: dir)), ["evil", "more.evil"])
        let labels = VersionControl.labels(for: dir, environment: [:])
        for marker in markers {
            XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "\(marker): git ran the repository's program")
        }
        XCTAssertEqual(labels[VersionControl.versionLabel], "v1-dirty", "\(labels)")
        XCTAssertEqual(labels[VersionControl.revisionLabel]?.count, 40, "\(labels)")
    }
}

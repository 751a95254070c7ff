@testable import Builder
import Foundation
import XCTest

final class FileSyncTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fs-\(UUID().uuidString)")
        let fm = FileManager.default
        for d in ["a", "a/b", "data", "data/keep", "__pycache__"] { try fm.createDirectory(at: dir.appendingPathComponent(d), withIntermediateDirectories: true) }
        for f in ["a/b/x.py", "a.txt", "a-b", "data/big.bin", "data/keep/k.txt", "__pycache__/m.pyc", "run.sh"] {
            try Data("content of \(f)\n".utf8).write(to: dir.appendingPathComponent(f))
        }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.appendingPathComponent("run.sh").path)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("link").path, withDestinationPath: "/etc/passwd")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testWalkIsDepthFirstWithBytewiseOrderPerFolder() throws {
        let paths = try DirectoryContext(root: dir).entries(includes: [], excludes: []).map(\.path)
        // A global sort would put a-b and a.txt before a/b; FileSync needs a's contents first.
        XCTAssertEqual(paths, ["__pycache__", "__pycache__/m.pyc", "a", "a/b", "a/b/x.py", "a-b", "a.txt", "data", "data/big.bin",
                               "data/keep", "data/keep/k.txt", "link", "run.sh"])
    }

    func testModesAreGoFileModesAndLinksAreNotFollowed() throws {
        let entries = try DirectoryContext(root: dir).entries(includes: [], excludes: [])
        let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0) })
        XCTAssertEqual(byPath["a"]!.mode & ContextEntry.modeDir, ContextEntry.modeDir)
        XCTAssertEqual(byPath["run.sh"]!.mode, 0o755)
        let link = byPath["link"]!
        XCTAssertEqual(link.mode & ContextEntry.modeSymlink, ContextEntry.modeSymlink)
        XCTAssertEqual(link.linkname, "/etc/passwd")
        XCTAssertFalse(link.isRegular, "a link is never sent as the file it points to")
    }

    func testExcludesWithExceptionsAndIncludes() throws {
        let excluded = try DirectoryContext(root: dir).entries(includes: [], excludes: ["**/__pycache__", "data", "!data/keep"]).map(\.path)
        XCTAssertFalse(excluded.contains { $0.hasPrefix("__pycache__") })
        XCTAssertFalse(excluded.contains("data/big.bin"))
        XCTAssertTrue(excluded.contains("data/keep/k.txt"), "the exception brings it back")
        XCTAssertTrue(excluded.contains("data"), "its folder comes along")

        let included = try DirectoryContext(root: dir).entries(includes: ["data/big.bin"], excludes: []).map(\.path)
        XCTAssertEqual(included, ["data", "data/big.bin"])
    }

    func testGeneratedFilesHaveFixedTimesAndTheirFolders() throws {
        let ctx = MemoryContext(files: ["requirements.txt": (Array("numpy\n".utf8), 0o644), "sub/c.txt": (Array("c".utf8), 0o600)])
        let entries = try ctx.entries(includes: [], excludes: [])
        XCTAssertEqual(entries.map(\.path), ["requirements.txt", "sub", "sub/c.txt"])
        XCTAssertTrue(entries.allSatisfy { $0.modTime == 0 })
        XCTAssertEqual(entries[2].mode, 0o600)
    }
}

/// A folder of the model that cannot be read is named, with the reason and what to do.
final class UnreadableFolderTests: XCTestCase {
    func testAFolderThatCannotBeOpenedIsNamedWithItsReason() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)").path
        XCTAssertThrowsError(try DirectoryContext.names(in: missing, shown: "models/private")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cannot read the folder models/private of the model: no such file or directory"), text)
            XCTAssertTrue(text.contains(".dockerignore"), text)
            XCTAssertFalse(text.contains("NSCocoaErrorDomain"), text)
        }
    }

    func testNamesAreEveryEntryButDotAndDotDot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("a.py"))
        try Data().write(to: dir.appendingPathComponent("é.bin"))
        XCTAssertEqual(try DirectoryContext.names(in: dir.path, shown: "").sorted(), ["a.py", "sub", "é.bin"])
    }
}

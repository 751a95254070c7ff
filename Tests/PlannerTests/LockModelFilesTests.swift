import Foundation
@testable import Planner
import XCTest

/// What of the model `cogpack lock` copies into uv's container: the files of the folders,
/// repositories and package files the requirements name, and the archives of the `--find-links`
/// folders, as the build context holds them; nothing else of the model, and a symlink as a link.
final class LockModelFilesTests: XCTestCase {
    func testOnlyWhatUvReadsIsCopiedAndALinkStaysALink() throws {
        let m = try TemporaryModel(cogYAML: "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try m.write("predict.py", TemporaryModel.predictor)
        try m.write("local_pkg/pyproject.toml", "[project]\nname = \"localpkg\"\nversion = \"0.1\"\n")
        try m.write("local_pkg/localpkg/__init__.py", "X = 1\n")
        try m.write("local_pkg/build/junk.txt", "left out by .dockerignore\n")
        try m.link("local_pkg/secret", to: "/etc/hostname")
        try m.write("dist/tool-1.0-py3-none-any.whl", "not really a wheel")
        try m.write("dist/other.txt", "not named by a requirement")
        try m.write("wheels/flpkg-1.2.0-py3-none-any.whl", "an archive of the links folder")
        try m.write("wheels/README.md", "not an archive")
        try m.write("weights/model.bin", "weights")
        try m.write(".dockerignore", "local_pkg/build\n")
        try m.write("requirements.txt", "--find-links wheels\n./local_pkg\ndist/tool-1.0-py3-none-any.whl\nflpkg\n")
        let planner = Planner(kb: try TemporaryModel.kb.get())
        guard case .ready(let request, _) = try planner.lockRequest(m.root) else { return XCTFail("no request") }
        let files = try XCTUnwrap(request.modelFiles)
        XCTAssertEqual(files.root, request.root)
        XCTAssertEqual(files.paths, ["dist/tool-1.0-py3-none-any.whl", "local_pkg/localpkg/__init__.py", "local_pkg/pyproject.toml",
                                     "local_pkg/secret", "wheels/flpkg-1.2.0-py3-none-any.whl"])
        var entries: [LockModelFiles.Entry] = []
        try files.forEach { entries.append($0) }
        XCTAssertTrue(entries.contains(.symlink(path: "local_pkg/secret", target: "/etc/hostname")), "\(entries)")
        XCTAssertTrue(entries.contains(.file(path: "local_pkg/localpkg/__init__.py", contents: Data("X = 1\n".utf8))), "\(entries)")
        XCTAssertEqual(entries.count, 5)
        XCTAssertFalse(request.needsGit)
        // The base image the build would start from, with the Python the lock is for.
        XCTAssertTrue(request.baseImage.contains("3.11"), request.baseImage)
    }
}

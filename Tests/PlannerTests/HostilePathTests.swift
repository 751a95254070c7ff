import Foundation
@testable import Planner
import Rules
import XCTest

/// A model must not make cogpack read a file of the host, and so print it in an error.
final class HostilePathTests: XCTestCase {
    /// A file outside the model whose content must never appear in a message.
    private var secret: URL!
    private let secretText = "root:SECRET-HASH:19000:0:99999:7:::"

    override func setUpWithError() throws {
        secret = FileManager.default.temporaryDirectory.appendingPathComponent("host-secret-\(UUID().uuidString)")
        try Data(secretText.utf8).write(to: secret)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: secret) }

    private func assertRefused(_ model: TemporaryModel, at source: Provenance, saying words: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        guard let e = model.inputError(file: file, line: line) else { return }
        XCTAssertEqual(e.source, source, "\(e)", file: file, line: line)
        XCTAssertTrue(e.message.contains(words), "'\(e.message)' lacks '\(words)'", file: file, line: line)
        XCTAssertFalse(e.description.contains("SECRET"), "the host file's content leaked: \(e)", file: file, line: line)
    }

    private func cog(_ build: String, predict: String = "predict.py:Predictor") -> String {
        "build:\n  python_version: \"3.11\"\n\(build)predict: \"\(predict)\"\n"
    }

    func testIncludesMustStayInsideTheModelFolder() throws {
        let model = try TemporaryModel(cogYAML: cog("  python_requirements: requirements.txt\n"))
        let up = String(repeating: "../", count: 12)
        for (text, line) in [("-r \(up)\(secret.path.dropFirst())", 2), ("-c \(secret.path)", 2), ("--requirement=\(secret.path)", 2),
                                ("--constraint \(up)etc/hostname", 2)] {
            try model.write("requirements.txt", "numpy==1.26.4\n\(text)\n")
            assertRefused(model, at: Provenance(file: "requirements.txt", line: line), saying: "outside the model folder")
        }
        // A symlink inside the folder that leads out of it.
        try model.link("extra.txt", to: secret.path)
        try model.write("requirements.txt", "-r extra.txt\n")
        assertRefused(model, at: Provenance(file: "requirements.txt", line: 1), saying: "outside the model folder")
        try model.write("sub/more.txt", "-r ../../\(secret.lastPathComponent)\n")
        try model.write("requirements.txt", "-r sub/more.txt\n")
        assertRefused(model, at: Provenance(file: "sub/more.txt", line: 1), saying: "outside the model folder")
    }

    func testPythonRequirementsMustStayInsideTheModelFolder() throws {
        for path in [secret.path, "../\(secret.lastPathComponent)", "/proc/self/environ", "/etc/shadow"] {
            let model = try TemporaryModel(cogYAML: cog("  python_requirements: \"\(path)\"\n"))
            assertRefused(model, at: Provenance(file: "cog.yaml", line: 3), saying: "outside the model folder")
        }
        let linked = try TemporaryModel(cogYAML: cog("  python_requirements: reqs.txt\n"))
        try linked.link("reqs.txt", to: secret.path)
        assertRefused(linked, at: Provenance(file: "cog.yaml", line: 3), saying: "outside the model folder")
    }

    func testAnAbsolutePythonRequirementsInsideTheFolderWorksAsInCog() throws {
        let model = try TemporaryModel()
        try model.write("cog.yaml", cog("  python_requirements: \"\(model.root.path)/deps/requirements.txt\"\n"))
        try model.write("deps/requirements.txt", "numpy==1.26.4\n-r more.txt\n")
        try model.write("deps/more.txt", "pillow==10.3.0\n")
        let project = try Project.load(model.root, kb: try TemporaryModel.kb.get())
        XCTAssertEqual(project.requirements.requirements.map(\.name), ["numpy", "pillow"])
        XCTAssertEqual(project.requirements.requirements.last?.source, Provenance(file: "deps/more.txt", line: 1))
    }

    func testCogYAMLAndDockerignoreMustBeTheFoldersOwn() throws {
        let model = try TemporaryModel()
        try FileManager.default.removeItem(at: model.url("cog.yaml"))
        try model.link("cog.yaml", to: secret.path)
        assertRefused(model, at: Provenance(file: "cog.yaml", line: nil), saying: "outside the model folder")

        let ignored = try TemporaryModel()
        try ignored.link(".dockerignore", to: secret.path)
        assertRefused(ignored, at: Provenance(file: ".dockerignore", line: nil), saying: "outside the model folder")
    }

    func testThePredictorFileMustExistInsideTheFolder() throws {
        assertRefused(try TemporaryModel(cogYAML: cog("", predict: "missing.py:Predictor")), at: Provenance(file: "cog.yaml", line: 3),
                      saying: "'missing.py' does not exist in the model folder")
        assertRefused(try TemporaryModel(cogYAML: cog("", predict: "../\(secret.lastPathComponent).py:P")), at: Provenance(file: "cog.yaml", line: 3),
                      saying: "outside the model folder")
        assertRefused(try TemporaryModel(cogYAML: cog("", predict: "/etc/x.py:P")), at: Provenance(file: "cog.yaml", line: 3),
                      saying: "absolute path")
        let train = try TemporaryModel(cogYAML: cog("") + "train: \"train.py:train\"\n")
        assertRefused(train, at: Provenance(file: "cog.yaml", line: 4), saying: "'train.py' does not exist")
        try train.write("train.py", "def train(): pass\n")
        XCTAssertNoThrow(try Project.load(train.root, kb: try TemporaryModel.kb.get()))
    }

    func testAFIFONamedLikeARequirementsFileDoesNotHang() throws {
        let model = try TemporaryModel(cogYAML: cog("  python_requirements: requirements.txt\n"))
        XCTAssertEqual(mkfifo(model.url("requirements.txt").path, 0o644), 0)
        assertRefused(model, at: Provenance(file: "cog.yaml", line: 3), saying: "not a regular file")
    }
}

/// What cannot be read is named as such. Tests run as root, whom the OS never refuses, so a
/// file system that refuses the chosen paths stands in for `chmod 000`.
final class UnreadableModelTests: XCTestCase {
    private func refusing(_ paths: @escaping @Sendable (String) -> Bool) -> FileSystem {
        let local = FileSystem.local
        return FileSystem(
            realPath: local.realPath,
            readFile: { paths($0) ? .failure(.EACCES) : local.readFile($0, $1) },
            listDirectory: { paths($0) ? .failure(.EACCES) : local.listDirectory($0) },
            entry: local.entry)
    }

    func testAnUnreadableModelFolderSaysSoAndNotThatCogYAMLIsMissing() throws {
        let model = try TemporaryModel()
        let root = try XCTUnwrap(FileSystem.local.realPath(model.root.path).get())
        XCTAssertThrowsError(try ModelFolder(model.root, system: refusing { $0 == root })) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.source.file, model.root.path)
            XCTAssertTrue(e?.message.contains("cannot read the model folder: permission denied") ?? false, "\(String(describing: e))")
        }
    }

    func testAnUnreadableSubfolderIsNamedWithoutASystemDump() throws {
        let model = try TemporaryModel()
        try model.write("data/private/x.bin", "x")
        let folder = try ModelFolder(model.root, system: refusing { $0.hasSuffix("/data/private") })
        XCTAssertThrowsError(try SourceInfo.read(folder)) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.source.file, "data/private/")
            XCTAssertTrue(e?.message.contains("permission denied") ?? false, "\(String(describing: e))")
            XCTAssertFalse("\(error)".contains("NSCocoaErrorDomain"))
        }
        try model.write(".dockerignore", "data/private\n")
        XCTAssertEqual(try SourceInfo.read(folder).files.map(\.path).sorted(), [".dockerignore", "cog.yaml", "predict.py"],
                       "a folder .dockerignore leaves out is never read")
    }

    func testAnUnreadableCogYAMLSaysSo() throws {
        let model = try TemporaryModel()
        let folder = try ModelFolder(model.root, system: refusing { $0.hasSuffix("/cog.yaml") })
        XCTAssertThrowsError(try Project.load(folder, kb: try TemporaryModel.kb.get())) { error in
            XCTAssertEqual((error as? InputError)?.source, Provenance(file: "cog.yaml", line: nil))
            XCTAssertEqual((error as? InputError)?.message.hasPrefix("cannot read the file cog.yaml: permission denied"), true, "\(error)")
        }
    }

    func testAMalformedDockerignorePatternIsAnErrorWithItsLine() throws {
        let model = try TemporaryModel()
        try model.write(".dockerignore", "# secrets\n*.key\n[z-a].env\n")
        XCTAssertThrowsError(try SourceInfo.read(model.root)) { error in
            XCTAssertEqual((error as? InputError)?.source, Provenance(file: ".dockerignore", line: 3))
        }
    }
}

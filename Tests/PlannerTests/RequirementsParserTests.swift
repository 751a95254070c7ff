import Foundation
@testable import Planner
import Rules
import XCTest

final class RequirementsParserTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("reqs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ path: String, _ text: String) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func testEveryLineKindKeepsItsFileAndLine() throws {
        try write("requirements.txt", """
            # models
            --extra-index-url https://download.pytorch.org/whl/cu118
            torch==2.0.1+cu118
            Pillow>=9,<11  # images
            numpy ; python_version >= "3.9"
            transformers[torch] == 4.40.*
            -r extra/more.txt
            clip @ git+https://github.com/openai/CLIP.git@main
            git+https://github.com/example/lib.git#egg=Example_Lib
            wheels/tool-1.0-py3-none-any.whl
            accelerate \\
              >=0.20
            """)
        try write("extra/more.txt", "scipy==1.11.4\n-f ../wheels\n")
        try write("wheels/tool-1.0-py3-none-any.whl", "")
        let file = try RequirementsParser.load(root: dir, path: "requirements.txt")
        let byName = Dictionary(uniqueKeysWithValues: file.requirements.map { ($0.name, $0) })
        XCTAssertEqual(file.requirements.map(\.name),
                       ["torch", "pillow", "numpy", "transformers", "scipy", "clip", "example-lib", "tool", "accelerate"])

        let torch = try XCTUnwrap(byName["torch"])
        XCTAssertEqual(torch.local, "cu118")
        XCTAssertEqual(torch.specifier.exactPin, PEP440Version("2.0.1"))
        XCTAssertEqual(torch.source, Provenance(file: "requirements.txt", line: 3))

        let pillow = try XCTUnwrap(byName["pillow"])
        XCTAssertTrue(pillow.specifier.contains(PEP440Version("10.2.0")!))
        XCTAssertFalse(pillow.specifier.contains(PEP440Version("11.0")!))

        XCTAssertEqual(byName["numpy"]?.marker, "python_version >= \"3.9\"")
        XCTAssertEqual(byName["transformers"]?.extras, ["torch"])
        XCTAssertTrue(byName["transformers"]!.specifier.contains(PEP440Version("4.40.2")!))
        XCTAssertFalse(byName["transformers"]!.specifier.contains(PEP440Version("4.41.0")!))

        XCTAssertEqual(byName["scipy"]?.source, Provenance(file: "extra/more.txt", line: 1))
        XCTAssertEqual(byName["clip"]?.origin, .vcs("git+https://github.com/openai/CLIP.git@main"))
        XCTAssertEqual(byName["example-lib"]?.origin, .vcs("git+https://github.com/example/lib.git#egg=Example_Lib"))
        XCTAssertEqual(byName["tool"]?.origin, .file("wheels/tool-1.0-py3-none-any.whl"))
        // A continued line is reported at the line where it starts.
        XCTAssertEqual(byName["accelerate"]?.source, Provenance(file: "requirements.txt", line: 11))

        XCTAssertEqual(file.options.map(\.kind), [.extraIndexURL("https://download.pytorch.org/whl/cu118"), .findLinks(.local("wheels"))],
                       "a --find-links folder is read from the file that names it, as pip does")
        XCTAssertEqual(file.options[1].source, Provenance(file: "extra/more.txt", line: 2))
    }

    func testPathLinesWithRunsOfSlashesDoNotCrash() throws {
        // Found by scripts/fuzz.sh (Requirements): NSString.lastPathComponent of `///o//` traps
        // in swift-corelibs-foundation; names of path requirements are taken without it. An
        // absolute path is outside the model folder: refused, not a crash.
        let source = Provenance(file: "requirements.txt", line: 1)
        let folder = try ModelFolder(dir)
        for line in ["/////o//////", "///o//", "/a///b//", "./wheels//tool-1.0-py3-none-any.whl//"] {
            do {
                _ = try RequirementsParser.requirement(line, source: source, editable: false, folder: folder)
            } catch let e as InputError {
                XCTAssertEqual(e.source, source, line)
            }
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("w"), withIntermediateDirectories: true)
        try write("w/tool-1.0-py3-none-any.whl", "")
        XCTAssertEqual(try RequirementsParser.requirement("./w//tool-1.0-py3-none-any.whl", source: source, editable: false, folder: folder).name, "tool")
        try write("requirements.txt", "///o//\n")
        XCTAssertThrowsError(try RequirementsParser.load(root: dir, path: "requirements.txt")) { error in
            XCTAssertTrue("\(error)".contains("outside the model folder"), "\(error)")
        }
    }

    func testAFileIncludedManyTimesIsReadOnce() throws {
        // Seven files each including the next ten times meant 10^7 reads: written by hand in the
        // Requirements fuzz target's input form (709 bytes), it hit the 5 s per-input limit.
        for n in 0..<7 {
            try write(n == 0 ? "requirements.txt" : "r\(n).txt", String(repeating: "-r r\(n + 1).txt\n", count: 10))
        }
        try write("r7.txt", "numpy==1.26.4\n")
        let start = Date()
        let file = try RequirementsParser.load(root: dir, path: "requirements.txt")
        XCTAssertEqual(file.requirements.map(\.name), ["numpy"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        // Read once, it is still a loop when a file includes one that is being read.
        try write("r7.txt", "-r requirements.txt\n")
        XCTAssertThrowsError(try RequirementsParser.load(root: dir, path: "requirements.txt"))
    }

    func testBadSpecifierNamesFileAndLine() throws {
        try write("requirements.txt", "numpy\ntorch==two\n")
        XCTAssertThrowsError(try RequirementsParser.load(root: dir, path: "requirements.txt")) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.source, Provenance(file: "requirements.txt", line: 2))
            XCTAssertTrue(e?.message.contains("not a valid version specifier") ?? false, "\(error)")
        }
    }

    func testIncludeLoopIsAnError() throws {
        try write("a.txt", "-r b.txt\n")
        try write("b.txt", "-r a.txt\n")
        XCTAssertThrowsError(try RequirementsParser.load(root: dir, path: "a.txt")) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.source, Provenance(file: "b.txt", line: 1))
            XCTAssertTrue(e?.message.contains("includes itself") ?? false, "\(error)")
        }
    }

    func testMissingIncludeNamesTheIncludingLine() throws {
        try write("requirements.txt", "numpy\n-r missing.txt\n")
        XCTAssertThrowsError(try RequirementsParser.load(root: dir, path: "requirements.txt")) { error in
            XCTAssertEqual((error as? InputError)?.source, Provenance(file: "requirements.txt", line: 2))
        }
    }

    func testUnknownOptionIsRefused() throws {
        try write("requirements.txt", "--use-feature=fast-deps\n")
        XCTAssertThrowsError(try RequirementsParser.load(root: dir, path: "requirements.txt")) { error in
            XCTAssertTrue((error as? InputError)?.message.contains("unknown option") ?? false, "\(error)")
        }
    }
}

final class RequirementsControlCharacterTests: XCTestCase {
    func testALineWithAControlCharacterIsRefusedWithItsLine() throws {
        let model = try TemporaryModel()
        for (text, words) in [("a\u{1B}[31m\n", "escape"), ("numpy\u{0}==1\n", "NUL")] {
            try model.write("requirements.txt", text)
            XCTAssertThrowsError(try RequirementsParser.load(root: model.root, path: "requirements.txt")) { error in
                let e = error as? InputError
                XCTAssertEqual(e?.source.file, "requirements.txt")
                XCTAssertNotNil(e?.source.line)
                XCTAssertTrue(e?.message.contains(words) ?? false, "\(String(describing: e))")
            }
        }
        try model.write("requirements.txt", "numpy==1.26.4\r\ntorch\t==2.3.1\r\n")
        XCTAssertEqual(try RequirementsParser.load(root: model.root, path: "requirements.txt").requirements.map(\.name), ["numpy", "torch"],
                       "CRLF line ends and tabs are fine")
    }

    /// pip splits a file with Python's `splitlines`: a lone CR (an old Mac file), U+000B, U+2028 …
    /// end a line for it, so they end one here too, and nothing the installer reads is hidden.
    func testLineBreaksArePipsLineBreaks() throws {
        let model = try TemporaryModel()
        try model.write("requirements.txt", "numpy==1.26.4\rsix\u{0B}idna\u{2028}-i https://mirror.example/simple\r\npillow \\\r\n  >=9\r\n")
        let file = try RequirementsParser.load(root: model.root, path: "requirements.txt")
        XCTAssertEqual(file.requirements.map(\.name), ["numpy", "six", "idna", "pillow"])
        XCTAssertEqual(file.requirements.map(\.source.line), [1, 2, 3, 5], "a continued CRLF line is reported where it starts")
        XCTAssertEqual(file.options.map(\.kind), [.indexURL("https://mirror.example/simple")])
        XCTAssertEqual(file.options.first?.source, Provenance(file: "requirements.txt", line: 4))
    }
}

import Foundation
@testable import Planner
import Rules
import XCTest

/// Requirements files as wide as pip's: global options typed, options after a requirement,
/// hashes, constraint files, and URL, VCS and path requirements, each with its file and line.
final class PipOptionsParserTests: XCTestCase {
    private func load(_ model: TemporaryModel, _ text: String) throws -> RequirementsFile {
        try model.write("requirements.txt", text)
        return try RequirementsParser.load(root: model.root, path: "requirements.txt")
    }

    private func at(_ line: Int, _ file: String = "requirements.txt") -> Provenance { Provenance(file: file, line: line) }

    func testGlobalOptionsAreTypedWithTheirLines() throws {
        let model = try TemporaryModel()
        try model.write("wheels/x-1.0-py3-none-any.whl", "")
        let file = try load(model, """
            -i https://mirror.example/simple
            --extra-index-url=https://download.pytorch.org/whl/cu118
            -f ./wheels
            --find-links https://download.pytorch.org/whl/torch_stable.html
            --pre
            --trusted-host mirror.example
            --no-binary :all:
            --only-binary=numpy,Pillow
            --prefer-binary
            --no-index
            """)
        XCTAssertEqual(file.options.map(\.kind), [
            .indexURL("https://mirror.example/simple"), .extraIndexURL("https://download.pytorch.org/whl/cu118"),
            .findLinks(.local("wheels")), .findLinks(.url("https://download.pytorch.org/whl/torch_stable.html")), .pre,
            .trustedHost("mirror.example"), .noBinary(.all), .onlyBinary(.packages(["numpy", "pillow"])), .preferBinary, .noIndex,
        ])
        XCTAssertEqual(file.options.map(\.source.line), Array(1...10))
    }

    func testIndexOptionsAfterARequirementMoveToLinesOfTheirOwnWithAWarning() throws {
        let model = try TemporaryModel()
        let file = try load(model, "numpy\ntorch==1.13.1 --extra-index-url=https://download.pytorch.org/whl/cu117 -f https://x.example/links\n")
        XCTAssertEqual(file.requirements.map(\.text), ["numpy", "torch==1.13.1"])
        XCTAssertEqual(file.requirements[1].specifier.exactPin, PEP440Version("1.13.1"))
        XCTAssertEqual(file.options, [PipOption(.extraIndexURL("https://download.pytorch.org/whl/cu117"), source: at(2)),
                                      PipOption(.findLinks(.url("https://x.example/links")), source: at(2))])
        XCTAssertEqual(file.warnings.map(\.source), [at(2), at(2)])
        XCTAssertTrue(file.warnings[0].message.contains("moved to a line of its own"), file.warnings[0].message)
    }

    func testHashesOfPipCompileOutputBelongToTheirRequirement() throws {
        let model = try TemporaryModel()
        let a = String(repeating: "a", count: 64), b = String(repeating: "B", count: 64)
        let file = try load(model, """
            # via pip-compile --generate-hashes
            six==1.16.0 \\
                --hash=sha256:\(a) \\
                --hash sha256:\(b)
            idna==3.7 --hash=sha512:\(String(repeating: "0", count: 128))
            """)
        XCTAssertEqual(file.requirements.map(\.name), ["six", "idna"])
        XCTAssertEqual(file.requirements[0].hashes.map(\.option), ["--hash=sha256:\(a)", "--hash=sha256:\(b.lowercased())"])
        XCTAssertEqual(file.requirements[0].source, at(2))
        XCTAssertEqual(file.requirements[1].hashes.map(\.algorithm), [.sha512])
        for bad in ["six --hash=md5:\(a)", "six --hash=sha256:abc", "six --hash"] {
            XCTAssertThrowsError(try load(model, bad + "\n"), bad) { XCTAssertEqual(($0 as? InputError)?.source, self.at(1)) }
        }
    }

    func testConstraintFilesConstrainAndTheirIncludesFollowPip() throws {
        let model = try TemporaryModel()
        try model.write("deps/constraints.txt", "torch<2.2\n-r more.txt\nurllib3==2.2.1 ; python_version >= \"3.8\"\n")
        try model.write("deps/more.txt", "requests\n")
        let file = try load(model, "-c deps/constraints.txt\nnumpy\n")
        XCTAssertEqual(file.requirements.map(\.name), ["requests", "numpy"], "pip reads -r inside a constraints file as requirements")
        XCTAssertEqual(file.constraints.map(\.name), ["torch", "urllib3"])
        XCTAssertEqual(file.constraints[0].source, at(1, "deps/constraints.txt"))
        try model.write("deps/constraints.txt", "git+https://github.com/org/repo.git\n")
        XCTAssertThrowsError(try load(model, "-c deps/constraints.txt\n")) {
            XCTAssertTrue(($0 as? InputError)?.message.contains("must name its package") ?? false, "\($0)")
        }
    }

    func testURLVCSAndPathRequirementsAreOpaqueUnlessNamed() throws {
        let model = try TemporaryModel()
        try model.write("local_pkg/setup.py", "")
        try model.write("vendor/repo/README", "")
        try model.write("dist/tool-2.0-py3-none-any.whl", "")
        let file = try load(model, """
            git+https://github.com/org/repo.git@0123abc
            https://example.com/pkg-1.0.tar.gz
            ./local_pkg
            file:./local_pkg
            -e ./local_pkg
            git+file:vendor/repo@main#subdirectory=src
            dist/tool-2.0-py3-none-any.whl
            clip @ git+https://github.com/openai/CLIP.git@a1d0717 ; python_version >= "3.8"
            local-pkg[extra] @ file:./local_pkg
            ./local_pkg[cli]
            """)
        let r = file.requirements
        XCTAssertEqual(r.map(\.name), [nil, nil, nil, nil, nil, nil, "tool", "clip", "local-pkg", nil])
        XCTAssertEqual(r.map(\.origin), [
            .vcs("git+https://github.com/org/repo.git@0123abc"), .url("https://example.com/pkg-1.0.tar.gz"),
            .directory("local_pkg"), .directory("local_pkg"), .directory("local_pkg"),
            .localVCS(path: "vendor/repo", suffix: "@main#subdirectory=src"), .file("dist/tool-2.0-py3-none-any.whl"),
            .vcs("git+https://github.com/openai/CLIP.git@a1d0717"), .directory("local_pkg"), .directory("local_pkg"),
        ])
        XCTAssertEqual(r[4].editable, true)
        XCTAssertEqual(r[7].marker, "python_version >= \"3.8\"")
        XCTAssertEqual(r[8].extras, ["extra"])
        XCTAssertEqual(r[9].extras, ["cli"])
    }

    func testPathsMustBeInsideTheModelFolderAndExist() throws {
        let model = try TemporaryModel()
        for (text, words) in [("../outside_pkg", "outside the model folder"), ("git+file:///etc", "outside the model folder"),
                              ("pkg @ file:///etc/passwd", "outside the model folder"), ("./missing_pkg", "is not in the model folder"),
                              ("-f ../wheels", "outside the model folder"), ("--index-url file:///srv/wheels", "does not see")] {
            XCTAssertThrowsError(try load(model, "numpy\n\(text)\n"), text) { error in
                XCTAssertEqual((error as? InputError)?.source, self.at(2), text)
                XCTAssertTrue((error as? InputError)?.message.contains(words) ?? false, "\(text): \(error)")
            }
        }
    }

    func testUnknownOptionsAfterARequirementAreRefusedWithTheLine() throws {
        let model = try TemporaryModel()
        XCTAssertThrowsError(try load(model, "numpy --install-option=--x\n")) {
            XCTAssertEqual(($0 as? InputError)?.source, self.at(1))
        }
    }

    func testPythonPackagesEntriesTakeOptionsToo() throws {
        let model = try TemporaryModel(cogYAML: """
            build:
              python_version: "3.11"
              python_packages:
                - "torch==1.13.1 --extra-index-url=https://download.pytorch.org/whl/cu117"
                - "--pre"
                - "six==1.16.0"
            predict: "predict.py:Predictor"
            """)
        try model.write("predict.py", "")
        let project = try Project.load(model.root, kb: try TemporaryModel.kb.get())
        XCTAssertEqual(project.requirements.requirements.map(\.name), ["torch", "six"])
        XCTAssertEqual(project.requirements.options.map(\.kind), [.extraIndexURL("https://download.pytorch.org/whl/cu117"), .pre])
        XCTAssertEqual(project.requirements.options.first?.source, Provenance(file: "cog.yaml", line: 4))
    }
}

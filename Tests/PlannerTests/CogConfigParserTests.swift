import Planner
import Rules
import XCTest

final class CogConfigParserTests: XCTestCase {
    private func parse(_ text: String) throws -> CogConfig {
        try CogConfigParser.parse(try YAMLFile.parse(text, display: "cog.yaml"), kb: try TemporaryModel.kb.get())
    }

    private func assertRejected(_ text: String, line: Int?, saying words: String,
                                file: StaticString = #filePath, testLine: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: testLine) { error in
            guard let e = error as? InputError else { return XCTFail("not an InputError: \(error)", file: file, line: testLine) }
            XCTAssertEqual(e.source, Provenance(file: "cog.yaml", line: line), "\(e)", file: file, line: testLine)
            XCTAssertTrue(e.message.contains(words), "'\(e.message)' lacks '\(words)'", file: file, line: testLine)
        }
    }

    func testFullConfigKeepsValuesAndLines() throws {
        let c = try parse("""
            build:
              gpu: true
              python_version: "3.11"
              python_requirements: requirements.txt
              system_packages:
                - ffmpeg
                - libgl1
              run:
                - echo hello
                - command: cat /run/secrets/token
                  mounts:
                    - type: secret
                      id: token
                      target: /run/secrets/token
              cuda: "12.1"
              sdk_version: "0.16.8"
            predict: "predict.py:Predictor"
            train: "train.py:train"
            concurrency:
              max: 4
            environment:
              - HF_HOME=/src/.hf
            """)
        XCTAssertEqual(c.gpu?.value, true)
        XCTAssertEqual(c.pythonVersion?.value, "3.11")
        XCTAssertEqual(c.pythonVersion?.source, Provenance(file: "cog.yaml", line: 3))
        XCTAssertEqual(c.systemPackages?.value, ["ffmpeg", "libgl1"])
        XCTAssertEqual(c.run.map(\.command), ["echo hello", "cat /run/secrets/token"])
        XCTAssertEqual(c.run[1].secretMounts.first?.id, "token")
        XCTAssertEqual(c.cuda?.value, "12.1")
        XCTAssertEqual(c.sdkVersion?.value, "0.16.8")
        XCTAssertEqual(c.predict?.value, "predict.py:Predictor")
        XCTAssertEqual(c.train?.value, "train.py:train")
        XCTAssertEqual(c.concurrencyMax?.value, 4)
        XCTAssertEqual(c.environment.map(\.value), ["HF_HOME=/src/.hf"])
    }

    func testNumericVersionsAreAccepted() throws {
        // YAML reads 3.10 as the float 3.1; the text as written must survive.
        let c = try parse("build:\n  python_version: 3.10\n  cuda: 11.8\n")
        XCTAssertEqual(c.pythonVersion?.value, "3.10")
        XCTAssertEqual(c.cuda?.value, "11.8")
    }

    func testRejectionsNameTheLine() {
        assertRejected("build:\n  python_version: \"3.11\"\n  gpus: true\n", line: 3, saying: "gpu")
        assertRejected("build:\n  gpu: true\n", line: 2, saying: "python_version is required")
        assertRejected("build:\n  python_version: \"3.11\"\npredict: predict.py:P\nrun: predict.py:P\n", line: 4, saying: "only one of run or predict")
        assertRejected("build:\n  python_version: \"3.11\"\n  cuda: \"10.2\"\n", line: 3, saying: "minimum supported CUDA version is 11")
        assertRejected("build:\n  python_version: \"3.11\"\n  python_requirements: r.txt\n  python_packages:\n    - torch\n", line: 5, saying: "only one of python_packages or python_requirements")
        assertRejected("build:\n  python_version: \"3.11\"\n  run:\n    - \"a\\nb\"\n", line: 4, saying: "new line")
        assertRejected("build:\n  python_version: \"3.11\"\nenvironment:\n  - PATH=/x\n", line: 4, saying: "reserved")
        assertRejected("build:\n  python_version: \"3.11\"\npredict: predict.py\n", line: 3, saying: "predict.py:Predictor")
        assertRejected("build:\n  python_version: [3]\n", line: 2, saying: "python_version")
    }

    func testNotYAMLNamesTheLine() {
        XCTAssertThrowsError(try parse("build:\n  python_version: \"3.11\n  gpu: [\n")) { error in
            XCTAssertEqual((error as? InputError)?.source.file, "cog.yaml")
            XCTAssertNotNil((error as? InputError)?.source.line)
        }
    }

    func testDuplicateKeysAreOneLineWithTheLine() {
        XCTAssertThrowsError(try parse("build:\n  python_version: \"3.11\"\n  gpu: true\n  gpu: false\n")) { error in
            guard let e = error as? InputError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.source, Provenance(file: "cog.yaml", line: 4), "the line that repeats the key")
            XCTAssertTrue(e.message.contains("'gpu' appears twice in the same mapping (first at line 3)"), e.message)
            XCTAssertFalse(e.description.contains("\n"), "one line, not the document: \(e)")
            XCTAssertFalse(e.description.contains("python_version"), "the document is not dumped: \(e)")
        }
    }

    func testAnEmptyBuildSectionNeedsPythonVersionLikeAnEmptyMapping() {
        for text in ["build:\npredict: \"predict.py:P\"\n", "build: {}\npredict: \"predict.py:P\"\n"] {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertTrue((error as? InputError)?.message.contains("python_version is required") ?? false, "\(error)")
                XCTAssertEqual((error as? InputError)?.source.file, "cog.yaml")
            }
        }
    }

    func testEnvironmentNamesArePOSIXNames() throws {
        let head = "build:\n  python_version: \"3.11\"\nenvironment:\n"
        for entry in ["C D=1", "PATH =x", "1X=y", "A-B=c", "\u{C9}T\u{C9}=x"] {
            assertRejected(head + "  - \"\(entry)\"\n", line: 4, saying: "is not valid")
        }
        XCTAssertEqual(try parse(head + "  - _A1=x y=z\n").environment.map(\.value), ["_A1=x y=z"])
    }

    func testConcurrencyMaxSaysWhatIsWrong() throws {
        let head = "build:\n  python_version: \"3.11\"\nconcurrency:\n"
        for value in ["1e30", "0", "-3", "2.5", "\"4\"", "99999999999999999999", "1025"] {
            assertRejected(head + "  max: \(value)\n", line: 4, saying: "whole number from 1 to 1024")
        }
        XCTAssertEqual(try parse(head + "  max: 1024\n").concurrencyMax?.value, 1024)
    }

    func testAPythonThatDoesNotExistIsRefusedWithTheOnesThatDo() throws {
        for version in ["\"3.99\"", "\"2.7\"", "3.1", "\"4.0\""] {
            assertRejected("build:\n  python_version: \(version)\n", line: 2, saying: "is not a Python cogpack knows; write one of")
        }
        assertRejected("build:\n  python_version: \"3.99\"\n", line: 2, saying: "3.10, 3.11, 3.12, 3.13")
        // A patch pin of a Python that exists stays accepted.
        XCTAssertEqual(try parse("build:\n  python_version: \"3.11.4\"\n").pythonVersion?.value, "3.11.4")
    }

    func testACudaWithoutItsMinorIsRefusedNotReadAsDotZero() throws {
        for version in ["\"11\"", "12"] {
            assertRejected("build:\n  python_version: \"3.11\"\n  gpu: true\n  cuda: \(version)\n", line: 4, saying: "must be major.minor")
        }
        assertRejected("build:\n  python_version: \"3.11\"\n  cuda: \"11\"\n", line: 3, saying: "11.8")
        XCTAssertEqual(try parse("build:\n  python_version: \"3.11\"\n  cuda: \"11.8.0\"\n").cuda?.value, "11.8.0")
    }
}

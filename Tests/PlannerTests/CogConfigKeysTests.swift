import Planner
import Rules
import XCTest

/// The keys of cog.yaml come from `rules/cog-yaml.yaml`: every release of Cog from 0.9 on.
final class CogConfigKeysTests: XCTestCase {
    private func parse(_ text: String) throws -> CogConfig {
        try CogConfigParser.parse(try YAMLFile.parse(text, display: "cog.yaml"), kb: try TemporaryModel.kb.get())
    }

    private func assertRejected(_ text: String, line: Int, saying words: [String],
                                file: StaticString = #filePath, testLine: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: testLine) { error in
            guard let e = error as? InputError else { return XCTFail("not an InputError: \(error)", file: file, line: testLine) }
            XCTAssertEqual(e.source, Provenance(file: "cog.yaml", line: line), "\(e)", file: file, line: testLine)
            for w in words { XCTAssertTrue(e.message.contains(w), "'\(e.message)' lacks '\(w)'", file: file, line: testLine) }
        }
    }

    private let head = "build:\n  python_version: \"3.11\"\n"

    func testKeysThatCogDroppedAreAcceptedWithAWarningAtTheirLine() throws {
        let c = try parse("""
            build:
              python_version: "3.11"
              fast: true
              python_overrides: overrides.txt
              cog_runtime: true
            predict: "predict.py:Predictor"
            tests:
              - inputs:
                  prompt: a cat
            """)
        let byLine = Dictionary(uniqueKeysWithValues: c.warnings.map { ($0.source.line ?? 0, $0.message) })
        XCTAssertEqual(Set(byLine.keys), [3, 4, 5, 7], "\(c.warnings)")
        XCTAssertTrue(byLine[3]?.hasPrefix("build.fast is ignored (from Cog 0.14.4, dropped in 0.17.0)") ?? false, "\(c.warnings)")
        XCTAssertTrue(byLine[4]?.hasPrefix("build.python_overrides is ignored (from Cog 0.14.6") ?? false, "\(c.warnings)")
        XCTAssertTrue(byLine[5]?.hasPrefix("build.cog_runtime is ignored (from Cog 0.15.11") ?? false, "\(c.warnings)")
        XCTAssertTrue(byLine[7]?.hasPrefix("tests is ignored (from Cog 0.14.0") ?? false, "\(c.warnings)")
        XCTAssertEqual(c.pythonVersion?.value, "3.11", "the keys around them still apply")
    }

    func testCurrentKeysThatDoNotShapeTheImageOrCannotBeAppliedSaySo() throws {
        let c = try parse(head + """
            image: r8.im/someone/model
            concurrency:
              max: 2
              default_target: 1
            weights:
              - name: base
                target: /src/weights
                source:
                  uri: hf://org/model
                  include: ["*.safetensors"]
              - name: lora
                target: /src/lora
                source:
                  - uri: https://example.com/lora.bin
            """)
        XCTAssertEqual(c.image?.value, "r8.im/someone/model")
        XCTAssertEqual(c.concurrencyMax?.value, 2)
        XCTAssertEqual(c.warnings.map { $0.source.line }, [6, 11, 16], "image is kept without a warning: \(c.warnings)")
        XCTAssertTrue(c.warnings[0].message.hasPrefix("concurrency.default_target is ignored: "), "\(c.warnings)")
        // Weights from elsewhere are not downloaded: each such source says so.
        XCTAssertTrue(c.warnings[1].message.hasPrefix("weights base: cogpack does not download 'hf://org/model'"), "\(c.warnings)")
        XCTAssertTrue(c.warnings[2].message.hasPrefix("weights lora: cogpack does not download 'https://example.com/lora.bin'"), "\(c.warnings)")
        XCTAssertEqual(c.weights.map(\.name), ["base", "lora"])
        XCTAssertEqual(c.weights[0].sources[0].include, ["*.safetensors"])
        XCTAssertEqual(c.weights[1].target, "/src/lora")
    }

    func testTheModelKeyOfCog020IsIgnoredWithAWarning() throws {
        let c = try parse(head + "model: someone/model\nrun: \"run.py:Runner\"\n")
        XCTAssertEqual(c.predict?.value, "run.py:Runner")
        XCTAssertEqual(c.warnings.map(\.source), [Provenance(file: "cog.yaml", line: 3)])
    }

    func testAListKeyWithNoItemsIsAnEmptyList() throws {
        let c = try parse(head + """
              python_packages:
              system_packages:
              pre_install:
              run:
                - command: echo hi
                  mounts:
            environment:
            """)
        XCTAssertEqual(c.pythonPackages.count, 0)
        XCTAssertEqual(c.systemPackages?.value, [])
        XCTAssertEqual(c.preInstall.count, 0)
        XCTAssertEqual(c.run.map(\.command), ["echo hi"])
        XCTAssertEqual(c.run.first?.secretMounts.count, 0)
        XCTAssertEqual(c.environment.count, 0)
        XCTAssertEqual(c.warnings, [])
        XCTAssertEqual(try parse(head + "  run:\n").run.count, 0)
    }

    func testAnUnknownKeyIsAnErrorThatNamesTheNearestKey() {
        assertRejected("build:\n  python_verison: \"3.11\"\n", line: 2, saying: ["unknown key 'python_verison' in build", "did you mean 'python_version'?"])
        assertRejected(head + "predcit: \"predict.py:Predictor\"\n", line: 3, saying: ["in cog.yaml", "did you mean 'predict'?"])
        assertRejected(head + "  system_package:\n    - ffmpeg\n", line: 3, saying: ["did you mean 'system_packages'?"])
        assertRejected(head + "  run:\n    - comand: echo hi\n", line: 4, saying: ["in an entry of build.run", "did you mean 'command'?"])
        assertRejected(head + "  run:\n    - command: cat /run/secrets/t\n      mounts:\n        - type: secret\n          id: t\n          traget: /run/secrets/t\n",
                       line: 8, saying: ["in an entry of build.run[].mounts", "did you mean 'target'?"])
        assertRejected(head + "concurrency:\n  maximum: 2\n", line: 4, saying: ["in concurrency", "Cog's keys there: max, default_target"])
    }

    func testUnderAKeyThatIsNotAppliedATypoIsStillAnError() {
        assertRejected(head + "weights:\n  - name: base\n    targte: /src/w\n    source:\n      uri: hf://org/m\n",
                       line: 5, saying: ["in an entry of weights", "did you mean 'target'?"])
        assertRejected(head + "weights:\n  - name: base\n    target: /src/w\n    source:\n      - url: hf://org/m\n",
                       line: 7, saying: ["did you mean 'uri'?"])
    }

    func testAKeyFarFromEveryKeyListsTheCurrentOnesWithoutAGuess() {
        XCTAssertThrowsError(try parse(head + "  colour: blue\n")) { error in
            let message = (error as? InputError)?.message ?? ""
            XCTAssertFalse(message.contains("did you mean"), message)
            XCTAssertTrue(message.contains("gpu, python_version"), message)
            XCTAssertFalse(message.contains("fast"), "keys Cog dropped are accepted but not offered: \(message)")
        }
    }
}

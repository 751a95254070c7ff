import Foundation
import XCTest

/// The maintainers' commands on copies of the real rules data: what a rules pull request shows.
final class RulesCommandTests: XCTestCase {
    /// A copy of rules/ and data/ that a test may edit.
    private func dataCopy() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        for part in ["rules", "data"] {
            try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent(part), to: dir.appendingPathComponent(part))
        }
        return dir
    }

    private func edit(_ file: URL, _ change: (String) -> String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        let changed = change(text)
        XCTAssertNotEqual(text, changed, "the edit changed nothing in \(file.lastPathComponent)")
        try changed.write(to: file, atomically: true, encoding: .utf8)
    }

    /// A pin rule no torch release can meet, and an objective on a variable that does not exist.
    private func addRuleThatNeverFiresAndObjectiveOnNothing(_ data: URL) throws {
        try edit(data.appendingPathComponent("rules/pins.yaml")) { text in
            text + """
              - id: lint.never-fires
                message: no torch release is this old
                when: {package: torch, version: "<0.1"}
                require: {package: xformers, version: ">=0"}

            """
        }
        try edit(data.appendingPathComponent("rules/objectives.yaml")) { text in
            text + """
              - id: objective.nonesuch
                variable: nonesuch-package
                prefer: newest
                message: a variable that does not exist

            """
        }
    }

    func testLintPassesOnTheShippedRules() throws {
        let r = try CLI.run(["rules", "lint"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("rules data is consistent"), r.stdout)
    }

    /// Every problem is reported, each with its file and line, and the exit code is 2.
    func testLintNamesEveryProblemWithItsLine() throws {
        let data = try dataCopy()
        try addRuleThatNeverFiresAndObjectiveOnNothing(data)
        try edit(data.appendingPathComponent("rules/pins.yaml")) { text in
            text + """
              - id: pin.xformers-0.0.23.post1
                message: the same id again
                when: {package: xformers, version: "==0.0.24"}
                require: {package: torch, version: "==2.2.0"}

            """
        }
        try edit(data.appendingPathComponent("rules/apt.yaml")) { $0.replacingOccurrences(of: "message:", with: "mesage:", options: [], range: $0.range(of: "message:")) }
        let r = try CLI.run(["rules", "lint", "--data", data.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        // The apt file does not load (a misspelt key): named with its line.
        XCTAssertTrue(r.stdout.contains("rules/apt.yaml:5: unknown key 'mesage' in a rule (did you mean 'message'?)"), r.stdout)
        // With that file fixed, the checks that need every file loaded run too.
        try FileManager.default.removeItem(at: data.appendingPathComponent("rules/apt.yaml"))
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("rules/apt.yaml"), to: data.appendingPathComponent("rules/apt.yaml"))
        let deep = try CLI.run(["rules", "lint", "--data", data.path])
        XCTAssertEqual(deep.status, 2, deep.stdout + deep.stderr)
        XCTAssertTrue(deep.stdout.contains("rule id 'pin.xformers-0.0.23.post1' is used twice"), deep.stdout)
        XCTAssertTrue(deep.stdout.contains("lint.never-fires") && deep.stdout.contains("objective.nonesuch"), deep.stdout)
        XCTAssertEqual(try CLI.run(["rules", "lint", "--data", data.path]).stdout, deep.stdout, "lint is deterministic")
    }

    func testLintFindsRulesThatNeverFireAndUnknownVariables() throws {
        let data = try dataCopy()
        try addRuleThatNeverFiresAndObjectiveOnNothing(data)
        let r = try CLI.run(["rules", "lint", "--data", data.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("rule 'lint.never-fires' can never fire: no release of torch"), r.stdout)
        XCTAssertTrue(r.stdout.contains("objective 'objective.nonesuch' is about 'nonesuch-package', which is no resolver variable"), r.stdout)
        for line in r.stdout.split(separator: "\n") {
            XCTAssertTrue(line.range(of: #"^rules/[a-z-]+\.yaml:\d+: "#, options: .regularExpression) != nil, "no file:line: \(line)")
        }
    }

    /// The data records the digest of rules/frameworks.yaml it was made from: an edit of that file
    /// without a refresh makes the data older than its sources.
    func testLintFindsDataOlderThanItsSources() throws {
        let data = try dataCopy()
        try edit(data.appendingPathComponent("rules/frameworks.yaml")) { $0 + "# a maintainer's edit\n" }
        let r = try CLI.run(["rules", "lint", "--data", data.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.range(of: #"data/cuda-matrix\.json:\d+: data/cuda-matrix\.json was made from another rules/frameworks\.yaml"#,
                                     options: .regularExpression) != nil, r.stdout)
        XCTAssertTrue(r.stdout.contains("run `cogpack data refresh`"), r.stdout)
    }

    func testRulesTestRunsTheScenariosAndExplainsAFailure() throws {
        let passing = try CLI.run(["rules", "test"])
        XCTAssertEqual(passing.status, 0, passing.stdout + passing.stderr)
        XCTAssertTrue(passing.stdout.range(of: #"(\d+) of \1 scenarios pass"#, options: .regularExpression) != nil, passing.stdout)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-scenarios-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let wrong = folder.appendingPathComponent("torch-wrong-cuda")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("Tests/ScenarioTests/Fixtures/gpu-torch-pinned"), to: wrong)
        try "status: resolved\nchoices: {cuda: \"9.9\"}\n".write(to: wrong.appendingPathComponent("expect.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["rules", "test", folder.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("torch-wrong-cuda") && r.stdout.contains("cuda: expected 9.9, got"), r.stdout)
        XCTAssertTrue(r.stdout.contains("0 of 1 scenarios pass"), r.stdout)
    }

    /// The review tool: an edited rule shows, per model, the choice that moved and the rule
    /// that moved it; the same rules show nothing.
    func testDiffShowsWhatARuleEditMoves() throws {
        let corpus = ["--corpus", CLI.repo.appendingPathComponent("examples").path,
                      "--corpus", CLI.repo.appendingPathComponent("Tests/ScenarioTests/Fixtures").path]
        let data = try dataCopy()
        let same = try CLI.run(["rules", "diff", "--base-data", CLI.repo.path, "--data", data.path, "--json"] + corpus)
        XCTAssertEqual(same.status, 0, same.stderr)
        let summary = try XCTUnwrap(try same.json()["summary"] as? [String: Any])
        XCTAssertEqual(summary["unchanged"] as? Int, summary["models"] as? Int, same.stdout)
        XCTAssertGreaterThan(summary["models"] as? Int ?? 0, 50)

        // A maintainer pins torchvision 0.18.1 users to an older torch by mistake...
        try edit(data.appendingPathComponent("rules/pins.yaml")) { text in
            text + """
              - id: pin.test-torch-ceiling
                message: torch below 2.3 for models that ask for numpy
                when: {package: numpy}
                require: {package: torch, version: "<2.3"}

            """
        }
        // ...and prefers the oldest CUDA.
        try edit(data.appendingPathComponent("rules/objectives.yaml")) {
            $0.replacingOccurrences(of: "variable: cuda\n    prefer: newest", with: "variable: cuda\n    prefer: oldest")
        }
        let r = try CLI.run(["rules", "diff", "--base-data", CLI.repo.path, "--data", data.path] + corpus)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("examples/gpu-torch:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("cuda         12.1 → 11.8"), r.stdout)
        XCTAssertTrue(r.stdout.contains("rules/objectives.yaml:"), r.stdout)
        XCTAssertTrue(r.stdout.range(of: #"\d+ models: [1-9]\d* with moved choices"#, options: .regularExpression) != nil, r.stdout)

        let json = try CLI.run(["rules", "diff", "--base-data", CLI.repo.path, "--data", data.path, "--json"] + corpus).json()
        let changes = try XCTUnwrap(json["changes"] as? [[String: Any]])
        let gpu = try XCTUnwrap(changes.first { $0["model"] as? String == "examples/gpu-torch" })
        let moved = try XCTUnwrap(gpu["moved"] as? [[String: Any]])
        XCTAssertTrue(moved.contains { $0["variable"] as? String == "cuda" && $0["old"] as? String == "12.1" && $0["new"] as? String == "11.8" }, "\(moved)")
    }

    /// The default base is the last commit: its own rules, as the current ones, move nothing.
    func testDiffAgainstTheLastCommit() throws {
        let head = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-head-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: head, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: head) }
        let extracted = try CLI.shell("git -C '\(CLI.repo.path)' archive HEAD rules data | tar -x -C '\(head.path)'")
        XCTAssertEqual(extracted.status, 0, extracted.stderr)
        let r = try CLI.run(["rules", "diff", "--data", head.path, "--corpus", CLI.repo.appendingPathComponent("examples").path],
                            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.range(of: #"(\d+) models: 0 with moved choices, 0 newly conflict, 0 newly resolve, 0 newly refused as bad input, \1 unchanged"#, options: .regularExpression) != nil, r.stdout)
    }

    func testDiffBadInputExitsTwo() throws {
        let noCorpus = try CLI.run(["rules", "diff"])
        XCTAssertEqual(noCorpus.status, 2)
        XCTAssertTrue(noCorpus.stderr.contains("--corpus"), noCorpus.stderr)
        let badRev = try CLI.run(["rules", "diff", "--base", "no-such-revision", "--corpus", "examples"])
        XCTAssertEqual(badRev.status, 2)
        XCTAssertTrue(badRev.stderr.contains("--base") && badRev.stderr.contains("no-such-revision"), badRev.stderr)
        let option = try CLI.run(["rules", "diff", "--base", "--output=/tmp/x", "--corpus", "examples"])
        XCTAssertEqual(option.status, 2, option.stderr)
    }
}

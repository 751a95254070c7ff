import ArgumentParser
import Foundation
import Maintenance
import Rules

/// Tools for the maintainers of `rules/` and `data/`: lint, the scenario tests, and the diff of a
/// rules change over a corpus of real models.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check and review the rules data.",
        subcommands: [Lint.self, Test.self, Diff.self]
    )

    /// `--data`, else where cogpack finds its knowledge.
    static func root(_ data: String?) throws -> URL {
        if let data { return try InputFiles.check(data, flag: "--data", what: "rules data folder", kind: .folder) }
        guard let root = DataRoot.find() else {
            throw InputError(.flag("COGPACK_DATA"), "cannot find rules/ and data/cuda-matrix.json; set COGPACK_DATA or pass --data")
        }
        return root
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check rules/ and data/: schema errors, duplicate ids, unknown packages and variables, rows never chosen, rules that never fire.")

        @Option(help: "The folder with rules/ and data/ (default: the one cogpack loads).", completion: .directory) var data: String?

        func run() throws {
            do {
                let root = try RulesCommand.root(data)
                let problems = RulesLint.run(root: root)
                for p in problems { print("\(Quote.escaped(p.source.description)): \(Quote.escaped(p.message))") }
                guard problems.isEmpty else {
                    Console.error("\(problems.count) problem\(problems.count == 1 ? "" : "s") in the rules data")
                    throw ExitCode(2)
                }
                let kb = try KnowledgeBase.load(root: root)
                print("rules data is consistent: \(kb.rules.count) rules, \(kb.matrix.packages.count) package rows of \(kb.matrix.packageNames.count) packages, \(kb.frameworks.count) frameworks, \(kb.catalog.images.count) base images")
            } catch let e as InputError {
                Failure.report(e, json: false)
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve every scenario (a model folder with expect.yaml) and print what failed and why.")

        @Argument(help: "Folders of scenarios (default: Tests/ScenarioTests/Fixtures and rules/tests under the data folder).", completion: .directory)
        var folders: [String] = []
        @Option(help: "The folder with rules/ and data/ (default: the one cogpack loads).", completion: .directory) var data: String?

        func run() throws {
            do {
                let root = try RulesCommand.root(data)
                var roots = try folders.map { try InputFiles.check($0, flag: "scenario folder", what: "folder of scenarios", kind: .folder) }
                if roots.isEmpty {
                    roots = ["Tests/ScenarioTests/Fixtures", "rules/tests"].map { root.appendingPathComponent($0) }
                        .filter { FileManager.default.fileExists(atPath: $0.path) }
                }
                let kb = try KnowledgeBase.load(root: root)
                let scenarios = try Scenario.all(under: roots)
                let results = ScenarioRunner(kb: kb).runAll(scenarios)
                let failed = results.filter { !$0.passed }
                let width = max(8, failed.map(\.scenario.count).max() ?? 0)
                if !failed.isEmpty {
                    print("\("scenario".padding(toLength: width, withPad: " ", startingAt: 0))  got        why it failed")
                    for r in failed {
                        for (i, why) in r.failures.enumerated() {
                            let name = i == 0 ? r.scenario : ""
                            let got = i == 0 ? r.outcome : ""
                            print("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(got.padding(toLength: 9, withPad: " ", startingAt: 0))  \(Quote.escaped(why))")
                        }
                    }
                }
                print("\(results.count - failed.count) of \(results.count) scenarios pass")
                if !failed.isEmpty { throw ExitCode(1) }
            } catch let e as InputError {
                Failure.report(e, json: false)
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve a corpus of models with the rules at a base revision and with the current ones, and print what moved.")

        @Option(help: "The git revision whose rules/ and data/ are the base (default: HEAD, the last commit).") var base: String?
        @Option(name: .customLong("base-data"), help: "A folder whose rules/ and data/ are the base, instead of a revision.", completion: .directory) var baseData: String?
        @Option(help: "A folder of model folders (each with a cog.yaml); repeat for several.", completion: .directory) var corpus: [String] = []
        @Option(help: "The folder with the current rules/ and data/ (default: the one cogpack loads).", completion: .directory) var data: String?
        @Flag(help: "Print JSON for tools.") var json = false

        func run() throws {
            do {
                guard base == nil || baseData == nil else {
                    throw InputError(.flag("--base"), "give --base REV or --base-data DIR, not both")
                }
                guard !corpus.isEmpty else {
                    throw InputError(.flag("--corpus"), "no corpus; add --corpus DIR, a folder of model folders such as examples")
                }
                let root = try RulesCommand.root(data)
                let roots = try corpus.map { try InputFiles.check($0, flag: "--corpus", what: "folder of models", kind: .folder) }
                let start = Date()
                var snapshot: URL?
                defer { if let snapshot { try? FileManager.default.removeItem(at: snapshot) } }
                let baseRoot: URL
                if let baseData {
                    baseRoot = try InputFiles.check(baseData, flag: "--base-data", what: "rules data folder", kind: .folder)
                } else {
                    do {
                        snapshot = try RulesSnapshot.extract(revision: base ?? "HEAD", repositoryOf: [root] + [DataRoot.find()].compactMap { $0 })
                    } catch let e as RulesSnapshot.Failure {
                        throw InputError(.flag("--base"), e.description)
                    }
                    baseRoot = snapshot!
                }
                let old: KnowledgeBase
                do { old = try KnowledgeBase.load(root: baseRoot) } catch let e as InputError {
                    throw InputError(.flag(baseData == nil ? "--base" : "--base-data"), "the base rules do not load: \(e)")
                }
                let new = try KnowledgeBase.load(root: root)
                let report = RulesDiff(old: old, new: new).run(try ModelCorpus(roots: roots))
                let seconds = Date().timeIntervalSince(start)
                print(json ? RulesDiffRenderer.json(report, seconds: seconds) : RulesDiffRenderer.text(report, seconds: seconds))
            } catch let e as InputError {
                Failure.report(e, json: json)
            } catch let e as CorpusError {
                Failure.report(InputError(.flag("--corpus"), e.description), json: json)
            }
        }
    }
}

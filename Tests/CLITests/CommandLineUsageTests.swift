@testable import cogpack
import Foundation
import XCTest

/// The command line itself: a mistyped command, and shell completion of commands, flags,
/// choices and paths. No engine needed.
final class CommandLineUsageTests: XCTestCase {
    func testAMistypedCommandSaysWhichItMeant() throws {
        for (typed, meant) in [("biuld", "build"), ("reslove", "resolve"), ("plna", "plan"), ("expain", "explain")] {
            let run = try CLI.run([typed, "examples/hello"])
            XCTAssertEqual(run.status, 2, typed)
            XCTAssertEqual(run.stderr, "error: usage: '\(typed)' is not a cogpack command; did you mean '\(meant)'?\n")
        }
        let far = try CLI.run(["frobnicate"])
        XCTAssertEqual(far.status, 2)
        XCTAssertTrue(far.stderr.contains("'frobnicate' is not a cogpack command; the commands are resolve, plan, build"), far.stderr)
        XCTAssertFalse(far.stderr.contains("did you mean"), far.stderr)
    }

    func testBashCompletionOffersTheValuesAndPaths() throws {
        let run = try CLI.run(["--generate-completion-script", "bash"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let script = run.stdout
        XCTAssertTrue(script.contains("_cogpack_explain()"), "the explain command")
        /// What the script offers after `option` in the function of `command`.
        func offered(_ command: String, _ option: String) throws -> String {
            let body = try XCTUnwrap(script.components(separatedBy: "_cogpack_\(command)() {").dropFirst().first, command)
            let function = body.components(separatedBy: "\n}\n").first ?? body
            let arm = try XCTUnwrap(function.components(separatedBy: "'\(option)'").dropFirst().first, "\(command) \(option)")
            return arm.components(separatedBy: ";;").first ?? arm
        }
        func words(_ values: [String]) -> String { values.map { "'\($0)'" }.joined(separator: "$'\\n'") }
        XCTAssertTrue(try offered("build", "--progress").contains(words(["auto", "tty", "plain", "json", "quiet"])))
        XCTAssertTrue(try offered("build", "--session").contains(words(["upgrade", "tunnel"])))
        XCTAssertTrue(try offered("base", "--suite").contains(words(["bookworm", "trixie", "bullseye"])))
        // Paths: a folder, a file, a JSON file.
        XCTAssertTrue(try offered("build", "--wheelhouse").contains("__cogpack_add_completions -d"))
        XCTAssertTrue(try offered("build", "--ca-cert").contains("__cogpack_add_completions -f"))
        for flag in ["--tls-ca", "--tls-cert", "--tls-key"] {
            XCTAssertTrue(try offered("build", flag).contains("__cogpack_add_completions -f"), flag)
            XCTAssertTrue(try offered("facts", flag).contains("__cogpack_add_completions -f"), flag)
        }
        XCTAssertTrue(try offered("build", "--plan").contains("'!*.@(json)'"))
        XCTAssertTrue(try offered("resolve", "--facts").contains("'!*.@(json)'"))
        XCTAssertTrue(script.contains("non_repeating_flags=(--no-cache "), "build's --no-cache")
    }

    func testTheNearestCommandIsWithinTwoEditsAndHalfItsLength() {
        let commands = ["resolve", "plan", "build", "explain", "predict", "serve", "base", "schema", "rules", "facts"]
        XCTAssertEqual(CommandSuggestion.distance(Array("biuld"), Array("build")), 1, "a swap is one edit")
        XCTAssertEqual(CommandSuggestion.nearest("biuld", among: commands), "build")
        XCTAssertEqual(CommandSuggestion.nearest("BUILD", among: commands), "build")
        XCTAssertEqual(CommandSuggestion.nearest("serv", among: commands), "serve")
        XCTAssertEqual(CommandSuggestion.nearest("predcit", among: commands), "predict")
        XCTAssertNil(CommandSuggestion.nearest("xy", among: commands), "too far from every command")
        XCTAssertEqual(CommandSuggestion.nearest("pan", among: commands), "plan")
        XCTAssertNil(CommandSuggestion.nearest("zzzz", among: commands))
        // Flags and real commands are left to the argument parser.
        XCTAssertNil(CommandSuggestion.message(arguments: ["--help"], commands: commands))
        XCTAssertNil(CommandSuggestion.message(arguments: ["build", "--bad"], commands: commands))
    }
}

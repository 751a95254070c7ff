import ArgumentParser
import Builder
import Foundation

@main
struct Cogpack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cogpack",
        abstract: "Package a Cog model into a container image, with every version choice explained.",
        version: Version.release,
        subcommands: [ResolveCommand.self, PlanCommand.self, BuildCommand.self, PushCommand.self, ExplainCommand.self, PredictCommand.self, TrainCommand.self, ServeCommand.self, BaseCommand.self, PruneCommand.self,
                      DataCommand.self, SchemaCommand.self, RulesCommand.self, FactsCommand.self, LockCommand.self, DiffCommand.self]
    )

    /// Usage errors exit 2 like every other bad input, not with ArgumentParser's 64, in one line
    /// (or JSON, with `--json`).
    static func main() async {
        // Before parsing: the digest of the knowledge is not a static string ArgumentParser can print.
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(Version.text())
            return
        }
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let e as EngineTLSFailure {
            // From any command that reaches the engine: one line, exit 1 (the input was fine).
            Console.error("error: \(e)")
            exit(withError: ExitCode(1))
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let arguments = Array(CommandLine.arguments.dropFirst())
                let names = configuration.subcommands.compactMap { $0.configuration.commandName }
                CommandSuggestion.reportIfMistyped(arguments, commands: names)
                let command = (["cogpack"] + arguments.prefix { !$0.hasPrefix("-") }.filter(names.contains).prefix(1)).joined(separator: " ")
                Failure.usage(message(for: error), command: command, json: arguments.contains("--json"))
            }
            exit(withError: error)
        }
    }
}

import ArgumentParser
import Foundation

@main
struct Cogpack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cogpack",
        abstract: "Package a Cog model into a container image, with every version choice explained.",
        subcommands: [ResolveCommand.self, PlanCommand.self, BuildCommand.self, BaseCommand.self, DataCommand.self]
    )

    /// Usage errors exit 2 like every other bad input, not with ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

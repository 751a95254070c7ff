import ArgumentParser

@main
struct Cogpack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cogpack",
        abstract: "Package a Cog model into a container image, with every version choice explained.",
        subcommands: [ResolveCommand.self, DataCommand.self]
    )
}

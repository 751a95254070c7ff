import ArgumentParser

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve")
    func run() async throws {}
}

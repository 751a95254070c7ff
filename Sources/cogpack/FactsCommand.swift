import ArgumentParser
import Foundation
import Planner
import Rules

/// Prints what this machine has and reaches, the facts `resolve`, `plan` and `build` use; saved
/// with `--json`, they make a resolution reproducible elsewhere (`--facts FILE`).
struct FactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facts",
        abstract: "Print the facts of this machine a resolution uses: base images, registry, wheel indexes.")

    @Option(help: "docker (the engine at DOCKER_HOST, the default), docker://ADDR, or a buildkitd address.",
            completion: .list(["docker", "docker://", "unix://", "tcp://"])) var builder: String?
    @OptionGroup(title: "TLS with a tcp:// engine") var tls: TLSFlags
    @Flag(help: "Print JSON, the input of --facts.") var json = false

    func run() async throws {
        do {
            let facts = try await MachineFacts.fromEngine(try Flags.builder(builder, tls: tls), kb: try DataRoot.knowledgeBase())
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Console.output(try encoder.encode(facts) + Data([0x0A]))
            } else {
                for line in facts.summary { print(line) }
                for base in facts.localBases { print("made here: \(base.reference) (python \(base.python ?? "none"), \(base.sizeMB) MB)") }
            }
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
    }
}

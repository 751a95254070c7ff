import ArgumentParser
import Foundation
import Planner
import Resolver
import Rules

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print the versions and base image a build will use, each with its reasons.")

    @Argument(help: "The model folder (with cog.yaml).", completion: .directory) var directory: String = "."
    @Flag(help: "Print JSON for tools.") var json = false
    @Option(name: .customLong("why-not"), help: "Explain why VAR did not take VALUE (VAR=VALUE).") var whyNot: String?
    @Option(help: "A driver the image must run on (repeat for a fleet).") var driver: [String] = []
    @Option(help: "A GPU architecture the image must run on, e.g. sm_90 (repeat for a fleet).") var gpu: [String] = []
    @Option(help: "Resolve with the facts of this file (from `cogpack facts --json`) instead of the engine's.", completion: .file(extensions: ["json"])) var facts: String?
    @Flag(name: .customLong("no-engine"), help: "Assume nothing of this machine: any catalog image, every wheel index.") var noEngine = false
    @Flag(help: "Require the engine's facts (the default when an engine answers): fail when none answers.") var engine = false

    func run() async throws {
        do {
            Resolver.prepareForCommand()
            let drivers = try Flags.drivers(driver)
            let loaded = try DataRoot.knowledgeBase()
            let machine = try await MachineFacts.forResolution(file: facts, noEngine: noEngine, requireEngine: engine, kb: loaded)
            let (kb, extra) = machine?.apply(to: loaded) ?? (loaded, [])
            let project = try Project.load(URL(fileURLWithPath: directory), kb: kb)
            let requests = try Planner(kb: kb).requests(project, drivers: drivers, gpus: gpu) + extra
            let resolver = Resolver(kb: kb)
            if let whyNot {
                let parts = whyNot.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw InputError(.flag("--why-not"), "expected VAR=VALUE, e.g. cuda=12.4") }
                let answer = try resolver.whyNot(requests, variable: ResolverVariable(name: parts[0]), value: parts[1])
                if json {
                    print(ExplanationJSON.render(["status": "explained", "why_not": ["variable": parts[0], "value": parts[1], "text": answer]]))
                } else {
                    print(answer)
                }
                return
            }
            switch try resolver.resolve(requests) {
            case .resolved(let r):
                // What the model's files said that cogpack read differently than written.
                let read = project.warnings.map { Quote.escaped($0.description) }
                print(json ? ExplanationJSON.resolution(r, warnings: read, facts: try MachineFacts.json(machine))
                           : ExplanationText.resolution(r, warnings: read, facts: MachineFacts.summary(machine)))
            case .conflict(let c):
                print(json ? ExplanationJSON.conflict(c) : ExplanationText.conflict(c))
                throw ExitCode(1)
            }
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
    }
}

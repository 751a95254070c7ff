import ArgumentParser
import Foundation
import Planner
import Resolver
import Rules

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print the versions and base image a build will use, each with its reasons.")

    @Argument(help: "The model folder (with cog.yaml).") var directory: String = "."
    @Flag(help: "Print JSON for tools.") var json = false
    @Option(name: .customLong("why-not"), help: "Explain why VAR did not take VALUE (VAR=VALUE).") var whyNot: String?
    @Option(help: "A driver the image must run on (repeat for a fleet).") var driver: [String] = []
    @Option(help: "A GPU architecture the image must run on, e.g. sm_90 (repeat for a fleet).") var gpu: [String] = []

    func run() throws {
        do {
            let drivers = try Flags.drivers(driver)
            let kb = try DataRoot.knowledgeBase()
            let project = try Project.load(URL(fileURLWithPath: directory), kb: kb)
            let requests = project.requests(drivers: drivers, gpus: gpu)
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
                print(json ? ExplanationJSON.resolution(r, warnings: read) : ExplanationText.resolution(r, warnings: read))
            case .conflict(let c):
                print(json ? ExplanationJSON.conflict(c) : ExplanationText.conflict(c))
                throw ExitCode(1)
            }
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
    }
}

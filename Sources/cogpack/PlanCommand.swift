import ArgumentParser
import Builder
import Foundation
import Planner
import Resolver
import Rules

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the stages and steps `cogpack build` will run, phase by phase, and why each exists.")

    @Argument(help: "The model folder (with cog.yaml).", completion: .directory) var directory: String = "."
    @Flag(help: "Print the normalized plan as JSON: the exact input of `cogpack build --plan`.") var json = false
    @Option(help: "A driver the image must run on (repeat for a fleet).") var driver: [String] = []
    @Option(help: "A GPU architecture the image must run on, e.g. sm_90 (repeat for a fleet).") var gpu: [String] = []
    @Option(help: "Plan with the facts of this file (from `cogpack facts --json`) instead of the engine's.", completion: .file(extensions: ["json"])) var facts: String?
    @Flag(name: .customLong("no-engine"), help: "Assume nothing of this machine: any catalog image, every wheel index.") var noEngine = false
    @Flag(help: "Require the engine's facts (the default when an engine answers): fail when none answers.") var engine = false

    func run() async throws {
        do {
            // Read while the model is planned (git takes tens of milliseconds).
            let versionLabels = Background { [directory] in VersionControl.labels(for: URL(fileURLWithPath: directory)) }
            Resolver.prepareForCommand()
            let kb = try DataRoot.knowledgeBase()
            let machine = try await MachineFacts.forResolution(file: facts, noEngine: noEngine, requireEngine: engine, kb: kb)
            let outcome = try Planner(kb: kb).plan(URL(fileURLWithPath: directory), drivers: try Flags.drivers(driver), gpus: gpu, facts: machine)
            switch outcome {
            case .planned(var plan):
                // The labels `cogpack build` adds: the plan is what it builds.
                plan.export.labels.merge(versionLabels.value) { own, _ in own }
                if json {
                    Console.output(try plan.jsonData())
                } else {
                    print(PlanText.render(plan))
                }
            case .conflict(let c):
                print(json ? ExplanationJSON.conflict(c) : ExplanationText.conflict(c))
                throw ExitCode(1)
            }
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
    }
}

/// A plan for people: phases in order, each stage with its block and steps.
enum PlanText {
    static func render(_ plan: Plan) -> String {
        var lines: [String] = []
        var phase: PhaseKey?
        for stage in plan.stages {
            if stage.phase != phase {
                phase = stage.phase
                lines.append(stage.phase.rawValue)
            }
            lines.append("  \(stage.id): \(stage.name)  [\(stage.block); from \(describe(stage.source))]")
            for op in stage.operations { lines.append("    " + describe(op)) }
        }
        let e = plan.export
        lines.append("image")
        lines.append("  entrypoint \(e.entrypoint.joined(separator: " ")), cmd \(e.cmd.joined(separator: " ")), workdir \(e.workingDir), ports \(e.exposedPorts.joined(separator: " "))")
        for env in e.env { lines.append("  env \(env)") }
        for w in plan.resolution.warnings { lines.append("warning: \(w)") }
        // File names reach the text (weights, copies): a CR or ESC in one must show as such.
        return lines.map { Quote.escaped($0) }.joined(separator: "\n")
    }

    static func describe(_ input: StageInput) -> String {
        switch input {
        case .auto: "previous stage"
        case .phase(let p): "phase \(p.rawValue)"
        case .stage(let s): s
        case .image(let i): "image \(i)"
        case .context(let c): "context \(c)"
        case .scratch: "scratch"
        }
    }

    static func describe(_ op: Plan.Operation) -> String {
        switch op {
        case .exec(let e): "RUN \(e.label)" + (e.network ? "  (network)" : "")
        case .copy(let c): "COPY \(c.src.joined(separator: " ")) from \(describe(c.from)) to \(c.dest)" + (c.excludes.isEmpty ? "" : " (\(c.excludes.count) excludes)")
        case .mkfile(let f): "MKFILE \(f.path)"
        case .mkdir(let d): "MKDIR \(d.path)"
        case .rm(let r): "RM \(r.path)"
        }
    }
}

import ArgumentParser
import Builder
import Foundation
import Planner
import Resolver
import Rules

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show why an image cogpack built is what it is: its resolution, its stages, its Cog SDK, the facts it assumed.")

    @Argument(help: "An image of the engine that cogpack built (NAME[:TAG] or ID).") var image: String
    @Flag(help: "Print JSON for tools.") var json = false

    func run() async throws {
        do {
            let shown = try await Self.read(image)
            print(json ? try shown.json() : shown.text())
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
    }

    /// What the labels of a cogpack image say.
    struct Explained {
        let image: String
        let id: String
        let sdk: String?
        let resolution: ResolutionLabel
        let plan: Plan

        func text() -> String {
            let facts = MachineFacts.summary(plan.resolution.facts)
            let read = resolution.readWarnings.map { Quote.escaped($0) }
            return ([
                "image    \(Quote.escaped(image)) (\(id))",
                "cog SDK  \(sdk ?? "unknown (no run.cog.version label)")",
                "",
                "resolution",
                ExplanationText.resolution(resolution.resolution, warnings: read, facts: facts),
                "",
                "plan",
                PlanText.render(plan),
            ]).joined(separator: "\n")
        }

        func json() throws -> String {
            let read = resolution.readWarnings.map { Quote.escaped($0) }
            let facts = try MachineFacts.json(plan.resolution.facts)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let planObject = try JSONSerialization.jsonObject(with: encoder.encode(plan))
            return ExplanationJSON.render([
                "status": "explained", "image": image, "id": id, "sdk_version": sdk.map { $0 as Any } ?? NSNull(),
                "resolution": ExplanationJSON.resolutionObject(resolution.resolution, warnings: read, facts: facts),
                "plan": planObject, "facts": facts,
            ])
        }
    }

    /// Inspects `image` in the engine of `DOCKER_HOST` and reads its labels. An unknown image, or
    /// one whose labels cogpack did not write, is bad input.
    static func read(_ image: String) async throws -> Explained {
        let endpoint = try Flags.engine()
        let engine = EngineAPI(endpoint: endpoint)
        guard try await engine.ping() else {
            throw InputError(.flag("engine"), "the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh`, or set DOCKER_HOST")
        }
        guard !image.isEmpty, Quote.firstControl(image) == nil, let inspect = try await engine.inspect(image: image) else {
            throw InputError(.flag("image"), "the engine has no image \(Quote.value(image)); build one with `cogpack build -t NAME`")
        }
        let labels = (inspect["Config"] as? [String: Any])?["Labels"] as? [String: String] ?? [:]
        guard labels[ResolutionLabel.key] != nil || labels[Plan.labelKey] != nil else {
            throw InputError(.flag("image"), "\(Quote.value(image)) was not built by cogpack: it has no \(ResolutionLabel.key) label")
        }
        guard let resolution = labels[ResolutionLabel.key].flatMap(ResolutionLabel.decode),
              let plan = labels[Plan.labelKey].flatMap(Plan.fromLabel) else {
            throw InputError(.flag("image"), "\(Quote.value(image)) was built by another release of cogpack, whose labels this one cannot read; build it again")
        }
        return Explained(image: image, id: inspect["Id"] as? String ?? "", sdk: labels["run.cog.version"], resolution: resolution, plan: plan)
    }
}

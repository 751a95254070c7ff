import ArgumentParser
import Foundation
import Planner
import Resolver
import Rules
import Schema

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the model's OpenAPI document (the predictor's, merged with the trainer's when cog.yaml has train:, as the image serves it), read from its source without running it.")

    @Argument(help: "The model folder (with cog.yaml).", completion: .directory) var directory: String = "."
    @Flag(help: "The trainer's document alone (cog.yaml's train:).") var train = false

    func run() throws {
        do {
            let kb = try DataRoot.knowledgeBase()
            let project = try Project.load(URL(fileURLWithPath: directory), kb: kb)
            let config = project.config
            guard let ref = train ? config.train : config.predict else {
                throw InputError(Provenance(file: config.file, line: nil),
                                 train ? "no train: in cog.yaml; add e.g. train: \"train.py:train\"" : "no predict: in cog.yaml; add e.g. predict: \"predict.py:Predictor\"")
            }
            let version = try sdkVersion(project, kb)
            if !train, config.train != nil {
                // The image's document: with a trainer too, the two merged as Cog merges them, as
                // the build writes it and the image serves it at /openapi.json.
                guard let merged = try ModelSignatures.read(project).document(version: version) else { return }
                print(ModelDocument.text(merged), terminator: "")
                return
            }
            let parts = ref.value.split(separator: ":", maxSplits: 1).map(String.init)
            let (file, source) = try project.pythonSource(ref)
            let document = try SchemaGenerator.document(source: source, file: file, target: parts[1],
                                                        mode: train ? .train : .predict, version: version,
                                                        files: project.pythonFiles)
            print(document.text, terminator: "")
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
    }

    /// `info.version`: Cog writes the version of the cog that made the image; here, the SDK the
    /// image gets, as the resolver chooses it. A model whose requests conflict still has a
    /// schema: then it is the release cog.yaml asks for, if any.
    private func sdkVersion(_ project: Project, _ kb: KnowledgeBase) throws -> String {
        let requests = try Planner(kb: kb).requests(project)
        if case .resolved(let r) = try Resolver(kb: kb).resolve(requests), let sdk = r.package("cog") {
            return sdk.version.description
        }
        return project.config.sdkVersion?.value ?? "unknown"
    }
}

import ArgumentParser
import Foundation
import Planner
import Rules
import Schema

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the OpenAPI document of the model's predictor (or trainer), read from its source without running it.")

    @Argument(help: "The model folder (with cog.yaml).") var directory: String = "."
    @Flag(help: "The trainer's document (cog.yaml's train:) instead of the predictor's.") var train = false

    func run() throws {
        do {
            let kb = try DataRoot.knowledgeBase()
            let project = try Project.load(URL(fileURLWithPath: directory), kb: kb)
            let config = project.config
            guard let ref = train ? config.train : config.predict else {
                throw InputError(Provenance(file: config.file, line: nil),
                                 train ? "no train: in cog.yaml; add e.g. train: \"train.py:train\"" : "no predict: in cog.yaml; add e.g. predict: \"predict.py:Predictor\"")
            }
            let parts = ref.value.split(separator: ":", maxSplits: 1).map(String.init)
            let (file, source) = try project.pythonSource(ref)
            let document = try SchemaGenerator.document(source: source, file: file, target: parts[1],
                                                        mode: train ? .train : .predict, version: sdkVersion(config, kb))
            print(document.text, terminator: "")
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
    }

    /// `info.version`: Cog writes the version of the cog that made the image; here, the SDK the image gets.
    private func sdkVersion(_ config: CogConfig, _ kb: KnowledgeBase) -> String {
        if let v = config.sdkVersion { return v.value }
        guard let tool = kb.tool("cog") else { return "unknown" }
        return tool.version.description
    }
}

import ArgumentParser
import DataRefresh
import Foundation
import Rules

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Maintain the rules data.",
        subcommands: [Refresh.self]
    )

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate data/cuda-matrix.json from Cog's tables, gpu-facts.md and the package index.")

        @Option(help: "Folder with Cog's torch_compatibility.json, tf_compatibility.json and cuda_compatibility.json.", completion: .directory)
        var reference: String

        @Option(help: "The gpu-facts.md file with the driver and compute-capability tables.", completion: .file(extensions: ["md"]))
        var gpuFacts: String

        @Option(help: "Where to write the matrix.", completion: .file(extensions: ["json"]))
        var output: String = "data/cuda-matrix.json"

        @Option(help: "The package index (PEP 691 JSON simple API).")
        var index: String = "https://pypi.org/simple/"

        func run() async throws {
            guard let indexURL = URL(string: index) else { throw ValidationError("--index is not a URL") }
            let root = DataRoot.find() ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let refresh = MatrixRefresh(.init(
                referenceDirectory: URL(fileURLWithPath: reference),
                gpuFacts: URL(fileURLWithPath: gpuFacts),
                output: URL(fileURLWithPath: output),
                indexURL: indexURL,
                frameworks: try Framework.load(root: root),
                frameworksFile: root.appendingPathComponent(Framework.file),
                sources: try RefreshSource.load(root: root),
                sourcesFile: root.appendingPathComponent(RefreshSource.file),
                log: { line in Console.error(line) }))
            let summary = try await refresh.run()
            print("wrote \(output): \(summary)")
        }
    }
}

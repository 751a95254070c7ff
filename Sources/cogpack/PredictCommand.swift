import ArgumentParser
import Builder
import Foundation
import Rules
import Schema

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run one prediction: build the model (or use --image), start it, post the inputs, show the output.")

    @Argument(help: "The model folder (with cog.yaml); built first, tagged with cog.yaml's image: or cog-<folder>.", completion: .directory) var directory: String?
    @Option(help: "Run this image from the engine instead of building a folder.") var image: String?
    @Option(name: .customShort("i"), help: "An input: NAME=VALUE, typed by the model's schema; NAME=@FILE sends a file (repeat for each input, and for each element of a list).")
    var input: [String] = []
    @Option(name: .shortAndLong, help: "Where to write a file output (default: output.<ext>).", completion: .file()) var output: String?
    @Flag(help: "Print the whole prediction response as JSON.") var json = false
    @Option(name: .customLong("ca-cert"), help: "CA bundle for the build's downloads (as `cogpack build --ca-cert`).", completion: .file()) var caCert: String?

    func run() async throws {
        try await ModelRequest(kind: .prediction, arguments: input, output: output, json: json)
            .run(directory: directory, image: image, caCert: caCert)
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the model's HTTP server in the foreground (Cog's API on a local port) until Ctrl-C.")

    @Argument(help: "The model folder (with cog.yaml); built first.", completion: .directory) var directory: String?
    @Option(help: "Run this image from the engine instead of building a folder.") var image: String?
    @Option(name: .shortAndLong, help: "The local port the server answers on.") var port: Int = 8393
    @Option(name: .customLong("ca-cert"), help: "CA bundle for the build's downloads (as `cogpack build --ca-cert`).", completion: .file()) var caCert: String?

    func run() async throws {
        let endpoint: BuilderAddress.Endpoint
        let prepare: () async throws -> ModelToRun
        do {
            guard (1...65535).contains(port) else { throw InputError(.flag("-p"), "\(port) is not a port; write a number from 1 to 65535") }
            endpoint = try Flags.engine()
            (_, prepare) = try await ModelToRun.resolve(directory: directory, image: image, caCert: caCert, endpoint: endpoint)
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
        let model = try await prepare()
        let container: ModelContainer
        do {
            container = try await ModelContainer.start(model, endpoint: endpoint, hostPort: port)
        } catch let f as RunFailure {
            Console.error("error: \(f.message)")
            throw ExitCode(1)
        }
        let interrupt = container.removeOnInterrupt()
        Console.error("serving \(model.image) on http://127.0.0.1:\(port) (Ctrl-C stops it)")
        do {
            try await container.engine.followLogs(container.id) { data, stderr in
                if stderr { try? FileHandle.standardError.write(contentsOf: data) } else { Console.output(data) }
            }
        } catch {
            Console.error("error: \(error)")
        }
        // Ctrl-C stops the container, which ends its log: the interrupt finishes the command.
        await container.yieldToInterrupt()
        let state = try? await container.engine.inspectContainer(container.id)
        interrupt.cancel()
        await container.remove()
        let code = state?.exitCode ?? 1
        Console.error("the server exited with code \(code)")
        throw ExitCode(code == 0 ? 0 : 1)
    }
}

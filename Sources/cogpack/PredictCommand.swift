import ArgumentParser
import Builder
import Foundation
import Rules
import Schema

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run one prediction: build the model (or use --image), start it, post the inputs, show the output.")

    @Argument(help: "The model folder (with cog.yaml); built first, tagged with cog.yaml's image: or cog-<folder>.") var directory: String?
    @Option(help: "Run this image from the engine instead of building a folder.") var image: String?
    @Option(name: .customShort("i"), help: "An input: NAME=VALUE, typed by the model's schema; NAME=@FILE sends a file (repeat for each input, and for each element of a list).")
    var input: [String] = []
    @Option(name: .shortAndLong, help: "Where to write a file output (default: output.<ext>).") var output: String?
    @Flag(help: "Print the whole prediction response as JSON.") var json = false
    @Option(name: .customLong("ca-cert"), help: "CA bundle for the build's downloads (as `cogpack build --ca-cert`).") var caCert: String?

    /// A file input is sent inside the request as a data URL.
    static let maxInputFileBytes = 256 << 20

    func run() async throws {
        let endpoint: BuilderAddress.Endpoint
        let values: [String: JSONValue]?
        let prepare: () async throws -> ModelToRun
        let model: ModelToRun?
        do {
            endpoint = try Flags.engine()
            if let output, let c = Quote.firstControl(output) { throw InputError(.flag("-o"), "the path \(Quote.value(output)) holds \(c)") }
            (model, prepare) = try await ModelToRun.resolve(directory: directory, image: image, caCert: caCert, endpoint: endpoint)
            // Typed before anything is built or started, when the model's schema is known.
            values = try model?.document.map { try PredictionInputs(document: $0).values(input, readFile: Self.readFile) }
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
        let toRun = try await prepare()
        let container: ModelContainer
        do { container = try await ModelContainer.start(toRun, endpoint: endpoint) } catch let f as RunFailure { fail(f) }
        let interrupt = container.removeOnInterrupt()
        let code = await predict(container, model: toRun, values: values)
        interrupt.cancel()
        await container.remove()
        if code != 0 { throw ExitCode(code) }
    }

    private func fail(_ f: RunFailure) -> Never {
        Console.error("error: \(f.message)")
        Foundation.exit(1)
    }

    static func readFile(_ path: String, _ name: String) throws -> Data {
        let expanded = (path as NSString).expandingTildeInPath
        return try InputFiles.read(expanded, flag: "-i \(name)", what: "input file", limit: maxInputFileBytes)
    }

    /// The prediction, once the container runs; the exit code.
    private func predict(_ container: ModelContainer, model: ModelToRun, values: [String: JSONValue]?) async -> Int32 {
        do {
            let server = try await container.server()
            let health = try await container.waitUntilReady(server)
            let setup = await container.setupOutput(health: health)
            if !setup.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { Console.error(setup.trimmingCharacters(in: .newlines)) }
            var document = model.document
            var inputs = values
            if inputs == nil {
                // An image without the schema label: the schema its server serves types the inputs.
                let served = try? await server.openAPI()
                document = served.flatMap { $0.status == 200 ? try? JSONValue.parse($0.body) : nil }
                inputs = try PredictionInputs(document: document).values(input, readFile: Self.readFile)
            }
            let request = Data(JSONRenderer.render(.object(["input": .object(inputs ?? [:])]), pretty: false).utf8)
            if !json, document?["paths"]?["/predictions"]?["post"]?["x-cog-streaming"] == .bool(true),
               let code = try await stream(server, request, output: Self.outputSchema(document)) {
                return code
            }
            let answer = try await server.predict(request)
            return try show(answer, output: Self.outputSchema(document))
        } catch let e as InputError {
            Console.error("error: \(Quote.escaped(e.source.description)): \(Quote.escaped(e.message))")
            return 2
        } catch let f as RunFailure {
            Console.error("error: \(f.message)")
            return 1
        } catch {
            // Ctrl-C closed the connection by removing the container: the interrupt ends the command.
            if container.interrupted { try? await Task.sleep(nanoseconds: 60_000_000_000) }
            Console.error("error: \(error)")
            return 1
        }
    }

    /// The `Output` schema of the model's document.
    static func outputSchema(_ document: JSONValue?) -> JSONValue? {
        document?["components"]?["schemas"]?["Output"]
    }

    /// A model marked `@cog.streaming`: the prediction as server-sent events, each output shown
    /// as it comes (text of a `ConcatenateIterator` as it is, other items one a line) and each
    /// log line on stderr. Nil when the server does not stream (406): then it is asked again.
    private func stream(_ server: CogServer, _ request: Data, output: JSONValue?) async throws -> Int32? {
        let concatenate = output?["x-cog-array-display"]?.stringValue == "concatenate"
        let (events, continuation) = AsyncStream<ServerSentEvents.Event>.makeStream()
        let call = Task { () throws -> CogServer.Answer in
            defer { continuation.finish() }
            return try await server.predictStreaming(request) { continuation.yield($0) }
        }
        var completed: JSONValue?
        var text = false
        var index = 0
        for await event in events {
            guard let data = try? JSONValue.parse(Data(event.data.utf8)) else { continue }
            switch event.name {
            case "output":
                let chunk = data["chunk"] ?? .null
                if concatenate, case .string(let s) = chunk {
                    Self.emit(s)
                    text = !s.isEmpty || text
                } else {
                    try writeItem(chunk, index: index)
                }
                index += 1
            case "log":
                if let line = data["data"]?.stringValue, !line.trimmingCharacters(in: .newlines).isEmpty {
                    Console.error(line.trimmingCharacters(in: .newlines))
                }
            case "completed":
                completed = data
            default:
                break
            }
        }
        let answer = try await call.value
        if answer.status == 406 { return nil }
        guard answer.status == 200 else { return try show(answer, output: output) }
        if text { Self.emit("\n") }
        guard let completed else {
            throw RunFailure(message: "the model's event stream ended before the prediction completed")
        }
        let status = completed["status"]?.stringValue ?? "unknown"
        guard status == "succeeded" else {
            Console.error("error: the prediction \(status): \(completed["error"]?.stringValue ?? "no error given")")
            return 1
        }
        return 0
    }

    /// Text on stdout now, after what `print` buffered.
    private static func emit(_ text: String) {
        fflush(nil)  // every stdio stream: what print() holds goes first
        Console.output(Data(text.utf8))
    }

    /// One item of an iterator's output, on a line of its own (a file saved, its path printed).
    private func writeItem(_ item: JSONValue, index: Int) throws {
        if let s = item.stringValue, s.hasPrefix("data:"), let file = DataURL.decode(s) {
            Self.emit(try save(file, index: index) + "\n")
        } else {
            Self.emit((item.stringValue ?? JSONRenderer.render(item, pretty: false)) + "\n")
        }
    }

    /// Prints the answer; writes file outputs.
    private func show(_ answer: CogServer.Answer, output: JSONValue?) throws -> Int32 {
        let body = (try? JSONValue.parse(answer.body)) ?? .string(String(decoding: answer.body.prefix(2000), as: UTF8.self))
        if answer.status == 422 {
            // The server's validation: bad input, as exit 2, naming the input.
            if json { print(JSONRenderer.render(body)) }
            if case .array(let details)? = body["detail"] {
                for d in details {
                    var field = "-i"
                    if case .array(let loc)? = d["loc"], let last = loc.last?.stringValue, loc.count > 2 { field = "-i \(last)" }
                    Console.error("error: \(field): \(d["msg"]?.stringValue ?? JSONRenderer.render(d, pretty: false))")
                }
            } else {
                Console.error("error: -i: the model refused the input: \(JSONRenderer.render(body, pretty: false))")
            }
            return 2
        }
        guard answer.status == 200 else {
            throw RunFailure(message: "the model answered \(answer.status): \(JSONRenderer.render(body, pretty: false))")
        }
        if json {
            print(JSONRenderer.render(body))
        } else if let logs = body["logs"]?.stringValue, !logs.isEmpty {
            Console.error(logs.trimmingCharacters(in: .newlines))
        }
        let status = body["status"]?.stringValue ?? "unknown"
        guard status == "succeeded" else {
            Console.error("error: the prediction \(status): \(body["error"]?.stringValue ?? "no error given")")
            return 1
        }
        if !json { try write(body["output"] ?? .null, concatenate: output?["x-cog-array-display"]?.stringValue == "concatenate") }
        return 0
    }

    /// File outputs (data URLs) to files, their paths printed; text as it is (the text of a
    /// `ConcatenateIterator` joined); anything else as JSON.
    private func write(_ output: JSONValue, concatenate: Bool) throws {
        switch output {
        case .array(let items) where concatenate && items.allSatisfy({ $0.stringValue != nil }):
            print(items.compactMap(\.stringValue).joined())
        case .string(let s):
            if let file = DataURL.decode(s), s.hasPrefix("data:") {
                print(try save(file, index: nil))
            } else {
                print(s)
            }
        case .array(let items) where items.contains(where: { $0.stringValue?.hasPrefix("data:") == true }):
            for (i, item) in items.enumerated() {
                if let s = item.stringValue, s.hasPrefix("data:"), let file = DataURL.decode(s) {
                    print(try save(file, index: i))
                } else {
                    print(item.stringValue ?? JSONRenderer.render(item, pretty: false))
                }
            }
        case .null:
            break
        default:
            print(JSONRenderer.render(output))
        }
    }

    /// `-o PATH` (with `.N` before the extension for the N-th of several), else `output.<ext>`.
    private func save(_ file: (mimeType: String, data: Data), index: Int?) throws -> String {
        let ext = DataURL.fileExtension(forMimeType: file.mimeType)
        var path = output ?? "output.\(ext)"
        if let index {
            let base = path as NSString
            let e = base.pathExtension
            path = base.deletingPathExtension + ".\(index)" + (e.isEmpty ? "" : ".\(e)")
        }
        do {
            try file.data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw RunFailure(message: "cannot write the output to \(Quote.value(path)): \(error.localizedDescription)")
        }
        return path
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the model's HTTP server in the foreground (Cog's API on a local port) until Ctrl-C.")

    @Argument(help: "The model folder (with cog.yaml); built first.") var directory: String?
    @Option(help: "Run this image from the engine instead of building a folder.") var image: String?
    @Option(name: .shortAndLong, help: "The local port the server answers on.") var port: Int = 8393
    @Option(name: .customLong("ca-cert"), help: "CA bundle for the build's downloads (as `cogpack build --ca-cert`).") var caCert: String?

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
        if container.interrupted { try await Task.sleep(nanoseconds: 60_000_000_000) }
        let state = try? await container.engine.inspectContainer(container.id)
        interrupt.cancel()
        await container.remove()
        let code = state?.exitCode ?? 1
        Console.error("the server exited with code \(code)")
        throw ExitCode(code == 0 ? 0 : 1)
    }
}

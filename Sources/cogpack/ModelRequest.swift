import ArgumentParser
import Builder
import Foundation
import Rules
import Schema

/// What `cogpack predict` and `cogpack train` share: the `-i` arguments typed by the model's
/// schema (its `Input`, or its `TrainingInput`), the model built or taken from the engine and
/// started, one request posted (`/predictions`, or `/trainings` to a server started in train
/// mode, as `cog train` starts it), the answer shown and its file outputs written.
struct ModelRequest {
    enum Kind {
        case prediction, training
    }

    let kind: Kind
    /// The `-i NAME=VALUE` arguments.
    let arguments: [String]
    /// `-o PATH`.
    let output: String?
    let json: Bool

    /// A file input is sent inside the request as a data URL.
    static let maxInputFileBytes = 256 << 20

    var mode: SchemaMode { kind == .training ? .train : .predict }
    var path: String { kind == .training ? "/trainings" : "/predictions" }
    var noun: String { kind == .training ? "training" : "prediction" }
    /// A file output without `-o` is written to `<name>.<ext>`: Cog's train writes `weights`.
    var defaultOutputName: String { kind == .training ? "weights" : "output" }
    /// Cog's server serves `/trainings` only in train mode (`--x-mode train`, which `cog train`
    /// starts); the image's own command serves predictions.
    var serverCommand: [String]? { kind == .training ? ["python", "-m", "cog.server.http", "--x-mode", "train"] : nil }

    /// The whole command: checks the arguments, types the inputs (before anything is built or
    /// started, when the model's schema is known), builds, starts, posts, shows, and removes the
    /// container however it ends. `check` is asked of the model before it is built.
    func run(directory: String?, image: String?, caCert: String?, check: (ModelToRun?) throws -> Void = { _ in }) async throws {
        let endpoint: BuilderAddress.Endpoint
        let values: [String: JSONValue]?
        let prepare: () async throws -> ModelToRun
        let model: ModelToRun?
        do {
            endpoint = try Flags.engine()
            if let output, let c = Quote.firstControl(output) { throw InputError(.flag("-o"), "the path \(Quote.value(output)) holds \(c)") }
            (model, prepare) = try await ModelToRun.resolve(directory: directory, image: image, caCert: caCert, endpoint: endpoint)
            try check(model)
            values = try model?.document.map { try PredictionInputs(document: $0, mode: mode).values(arguments, readFile: Self.readFile) }
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
        let toRun = try await prepare()
        let container: ModelContainer
        do {
            container = try await ModelContainer.start(toRun, endpoint: endpoint, command: serverCommand)
        } catch let f as RunFailure {
            Console.error("error: \(f.message)")
            throw ExitCode(1)
        }
        let interrupt = container.removeOnInterrupt()
        let code = await send(container, model: toRun, values: values)
        interrupt.cancel()
        await container.remove()
        if code != 0 { throw ExitCode(code) }
    }

    static func readFile(_ path: String, _ name: String) throws -> Data {
        let expanded = (path as NSString).expandingTildeInPath
        return try InputFiles.read(expanded, flag: "-i \(name)", what: "input file", limit: maxInputFileBytes)
    }

    /// The request, once the container runs; the exit code.
    func send(_ container: ModelContainer, model: ModelToRun, values: [String: JSONValue]?) async -> Int32 {
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
                inputs = try PredictionInputs(document: document, mode: mode).values(arguments, readFile: Self.readFile)
            }
            let request = Data(JSONRenderer.render(.object(["input": .object(inputs ?? [:])]), pretty: false).utf8)
            let output = outputSchema(document)
            if kind == .prediction, !json, document?["paths"]?[path]?["post"]?["x-cog-streaming"] == .bool(true),
               let code = try await stream(server, request, output: output) {
                return code
            }
            let answer = try await server.predict(request, path: path)
            return try show(answer, output: output)
        } catch let e as InputError {
            Console.error("error: \(Quote.escaped(e.source.description)): \(Quote.escaped(e.message))")
            return 2
        } catch let f as RunFailure {
            Console.error("error: \(f.message)")
            return 1
        } catch {
            // Ctrl-C closed the connection by removing the container: the interrupt ends the command.
            await container.yieldToInterrupt()
            Console.error("error: \(error)")
            return 1
        }
    }

    /// The schema of what the model returns: `Output`, or `TrainingOutput` for a trainer.
    func outputSchema(_ document: JSONValue?) -> JSONValue? {
        document?["components"]?["schemas"]?[kind == .training ? "TrainingOutput" : "Output"]
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
            throw RunFailure(message: "the model's event stream ended before the \(noun) completed")
        }
        let status = completed["status"]?.stringValue ?? "unknown"
        guard status == "succeeded" else {
            Console.error("error: the \(noun) \(status): \(completed["error"]?.stringValue ?? "no error given")")
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
            Self.emit(try save(file, suffix: String(index)) + "\n")
        } else {
            Self.emit((item.stringValue ?? JSONRenderer.render(item, pretty: false)) + "\n")
        }
    }

    /// Prints the answer; writes file outputs.
    func show(_ answer: CogServer.Answer, output: JSONValue?) throws -> Int32 {
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
            Console.error("error: the \(noun) \(status): \(body["error"]?.stringValue ?? "no error given")")
            return 1
        }
        if !json { try write(body["output"] ?? .null, concatenate: output?["x-cog-array-display"]?.stringValue == "concatenate") }
        return 0
    }

    /// File outputs (data URLs) to files, their paths printed; text as it is (the text of a
    /// `ConcatenateIterator` joined); anything else as JSON. An object (a `BaseModel` output, such
    /// as a trainer's `TrainingOutput`) is printed with the paths its files were written to in
    /// place of their data URLs.
    func write(_ output: JSONValue, concatenate: Bool) throws {
        switch output {
        case .array(let items) where concatenate && items.allSatisfy({ $0.stringValue != nil }):
            print(items.compactMap(\.stringValue).joined())
        case .string(let s):
            if let file = DataURL.decode(s), s.hasPrefix("data:") {
                print(try save(file, suffix: nil))
            } else {
                print(s)
            }
        case .array(let items) where items.contains(where: Self.isFile):
            for (i, item) in items.enumerated() {
                if let s = item.stringValue, s.hasPrefix("data:"), let file = DataURL.decode(s) {
                    print(try save(file, suffix: String(i)))
                } else {
                    print(item.stringValue ?? JSONRenderer.render(item, pretty: false))
                }
            }
        case .object(var fields) where fields.values.contains(where: Self.isFile):
            let files = fields.keys.filter { Self.isFile(fields[$0]!) }.sorted()
            for key in files {
                guard let s = fields[key]?.stringValue, let file = DataURL.decode(s) else { continue }
                // One file: at -o PATH (or the default name) as a lone file would be.
                fields[key] = .string(try save(file, suffix: files.count == 1 ? nil : key))
            }
            print(JSONRenderer.render(.object(fields)))
        case .null:
            break
        default:
            print(JSONRenderer.render(output))
        }
    }

    private static func isFile(_ value: JSONValue) -> Bool {
        value.stringValue.map { $0.hasPrefix("data:") && DataURL.decode($0) != nil } ?? false
    }

    /// `-o PATH` (with `.SUFFIX` before the extension for one of several files), else
    /// `<default name>.<ext>`.
    private func save(_ file: (mimeType: String, data: Data), suffix: String?) throws -> String {
        let ext = DataURL.fileExtension(forMimeType: file.mimeType)
        var path = output ?? "\(defaultOutputName).\(ext)"
        if let suffix {
            let base = path as NSString
            let e = base.pathExtension
            path = base.deletingPathExtension + ".\(suffix)" + (e.isEmpty ? "" : ".\(e)")
        }
        do {
            try file.data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw RunFailure(message: "cannot write the output to \(Quote.value(path)): \(error.localizedDescription)")
        }
        return path
    }
}

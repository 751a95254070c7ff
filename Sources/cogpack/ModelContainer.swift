import ArgumentParser
import Builder
import Foundation
import Planner
import Rules
import Schema

/// The image `predict` and `serve` run: a model folder built as `cogpack build` builds it (tagged
/// with cog.yaml's `image:` or `cog-<folder>`), or an image the engine already has. Either way
/// its OpenAPI document (when it carries one) types the inputs before anything starts.
struct ModelToRun {
    let image: String
    let document: JSONValue?
    var gpu: Bool
    /// cog.yaml's `train:` as the image's `run.cog.config` label holds it; nil without one.
    let trainer: String?
    /// Whether the image says what its cog.yaml was (an image cogpack or Cog did not build may not).
    let configKnown: Bool

    static let schemaLabel = "run.cog.openapi_schema"

    /// Checks the arguments: a folder or `--image`, not both.
    static func resolve(directory: String?, image: String?, caCert: String? = nil, endpoint: BuilderAddress.Endpoint) async throws -> (ModelToRun?, () async throws -> ModelToRun) {
        if let image {
            if directory != nil { throw InputError(.flag("--image"), "give a model folder or --image NAME, not both") }
            let engine = EngineAPI(endpoint: endpoint)
            guard try await engine.ping() else {
                throw InputError(.flag("engine"), "the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh`, or set DOCKER_HOST")
            }
            guard let inspect = try await engine.inspect(image: image) else {
                throw InputError(.flag("--image"), "the engine has no image \(Quote.value(image)); build one with `cogpack build -t NAME` or pull it first")
            }
            let labels = (inspect["Config"] as? [String: Any])?["Labels"] as? [String: String] ?? [:]
            let config = labels["run.cog.config"] ?? labels["org.cogmodel.config"]
            let model = ModelToRun(image: image, document: labels[schemaLabel].flatMap { try? JSONValue.parse(Data($0.utf8)) },
                                   gpu: gpu(config), trainer: trainer(config), configKnown: config != nil)
            return (model, { model })
        }
        let dir = try FolderArgument.url(directory ?? ".")
        let ca = try Flags.caBundle(caCert)
        let address = BuilderAddress.engine(endpoint)
        let plan = try await ModelImage.plan(dir, address: address)
        let config = plan.export.labels["run.cog.config"]
        let tag = try Flags.tag([tag(config: config, folder: dir)]).description
        let model = ModelToRun(image: tag, document: plan.export.labels[schemaLabel].flatMap { try? JSONValue.parse(Data($0.utf8)) },
                               gpu: gpu(config), trainer: trainer(config), configKnown: true)
        // The build runs once the inputs are known to be right.
        return (model, {
            let options = BuildOptions(tag: tag, projectDirectory: dir, address: address, progress: .auto, caBundle: ca)
            let result = try await ModelImage.build(plan, options: options)
            Console.error("built \(result.tag) in \(String(format: "%.1f", result.seconds)) s")
            return model
        })
    }

    /// cog.yaml's `image:`, else `cog-<folder>`, as `cogpack build` names it.
    static func tag(config: String?, folder: URL) -> String {
        DefaultImageName.text(config: config, folder: folder)
    }

    static func gpu(_ config: String?) -> Bool {
        (object(config)?["build"] as? [String: Any])?["gpu"] as? Bool ?? false
    }

    static func trainer(_ config: String?) -> String? {
        (object(config)?["train"] as? String).flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func object(_ config: String?) -> [String: Any]? {
        guard let config else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any]
    }
}

/// Something went wrong running the model (not the user's input): the message, exit 1.
struct RunFailure: Error {
    let message: String
}

/// A started container of the model, removed when the command ends, however it ends.
final class ModelContainer: Sendable {
    let owned: OwnedContainer
    var engine: EngineAPI { owned.engine }
    var id: String { owned.id }

    /// When Ctrl-C is stopping the container, waits for its handler to end the command.
    func yieldToInterrupt() async { await owned.yieldToInterrupt() }

    private init(engine: EngineAPI, id: String) {
        owned = OwnedContainer(engine: engine, id: id)
    }

    /// `command` replaces the image's command (the entrypoint, tini, stays).
    static func start(_ model: ModelToRun, endpoint: BuilderAddress.Endpoint, hostPort: Int? = nil, command: [String]? = nil) async throws -> ModelContainer {
        let engine = EngineAPI(endpoint: endpoint)
        var spec = EngineAPI.ContainerSpec(image: model.image, name: "cogpack-\(UUID().uuidString.prefix(8).lowercased())")
        spec.hostPort = hostPort
        spec.cmd = command
        if case .tcp = endpoint { spec.hostIP = "0.0.0.0" }
        spec.gpus = model.gpu
        spec.labels = ["dev.cogpack.run": "1"]
        let id: String
        do { id = try await engine.createContainer(spec) } catch let e as TransportError { throw RunFailure(message: e.message) }
        let container = ModelContainer(engine: engine, id: id)
        do {
            try await engine.startContainer(id)
        } catch let e as TransportError {
            await container.remove()
            // An engine with no GPU support (no NVIDIA container runtime) cannot give the GPUs a
            // GPU model asks for; running it without them still tries the model, as a CPU build
            // of the same wheels would run (torch's CUDA wheels run on a CPU).
            if spec.gpus, e.message.contains("could not select device driver") {
                Console.error("warning: the engine has no GPU support (no NVIDIA container runtime): running \(model.image) without GPUs")
                var cpu = model
                cpu.gpu = false
                return try await start(cpu, endpoint: endpoint, hostPort: hostPort, command: command)
            }
            throw RunFailure(message: e.message)
        }
        return container
    }

    /// Removes the container once (later calls do nothing).
    func remove() async { await owned.remove() }

    /// Ctrl-C stops and removes the container and exits 130.
    func removeOnInterrupt() -> DispatchSourceSignal { owned.removeOnInterrupt("the container", stopFirst: true) }

    /// Where the model's server answers: the published port on the engine's host.
    func server() async throws -> CogServer {
        let state = try await engine.inspectContainer(id)
        let host: String
        if case .tcp(let h, _, _) = engine.endpoint { host = h } else { host = "127.0.0.1" }
        if let port = state.hostPort { return CogServer(host: host, port: port) }
        if let ip = state.ipAddress { return CogServer(host: ip, port: 5000) }
        throw RunFailure(message: "the container has no published port and no address\(try await logTail())")
    }

    func logTail(_ lines: Int = 40) async throws -> String {
        let logs = (try? await engine.containerLogs(id, tail: lines)) ?? ""
        return logs.isEmpty ? "" : "\nthe container's last log lines:\n" + logs.trimmingCharacters(in: .newlines)
    }

    /// What the model's setup printed, once it is ready. coglet (Cog 0.17 on) writes it to the
    /// container's output as JSON lines of target `coglet::setup` (or `coglet::user`), its health check's
    /// `setup.logs` holding only coglet's own lines; Cog's older server keeps it in `setup.logs`.
    /// coglet relays the worker's lines after it says READY: they are read once the worker's
    /// "Setup complete" line is there (or after two seconds).
    func setupOutput(health: [String: Any]) async -> String {
        var lines: [LogLine] = []
        for _ in 0..<20 {
            let raw = (try? await engine.containerLogs(id)) ?? ""
            lines = raw.split(separator: "\n").map { LogLine(String($0)) }
            if lines.contains(where: { $0.target == "coglet::worker_bridge" && $0.message == "Setup complete" }) { break }
            if !lines.contains(where: { $0.target != nil }) { break }  // not coglet
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        guard lines.contains(where: { $0.target != nil }) else {
            return (health["setup"] as? [String: Any])?["logs"] as? String ?? ""
        }
        return lines.filter { ["coglet::setup", "coglet::user"].contains($0.target) && !$0.inPrediction }
            .compactMap(\.message).joined(separator: "\n")
    }

    /// One line of coglet's JSON log: `{"target": ..., "fields": {"message": ..., "prediction_id": ...}}`.
    private struct LogLine {
        var target: String?
        var message: String?
        var inPrediction = false

        init(_ text: String) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  let fields = object["fields"] as? [String: Any] else { return }
            target = object["target"] as? String
            message = fields["message"] as? String
            inPrediction = fields["prediction_id"] != nil
        }
    }

    /// Polls `/health-check` until READY, with a status line on stderr. The setup failing or the
    /// container exiting is a failure with the container's logs.
    /// Returns the last `/health-check` answer (its `setup.logs` are the setup's output).
    @discardableResult
    func waitUntilReady(_ server: CogServer, timeout: TimeInterval = 1800) async throws -> [String: Any] {
        let line = StatusLine()
        defer { line.finish() }
        let start = Date()
        while true {
            let elapsed = Int(Date().timeIntervalSince(start))
            if let health = await server.health() {
                let status = health["status"] as? String ?? "UNKNOWN"
                line.show("model \(status.lowercased()) (\(elapsed) s)")
                if status == "READY" { return health }
                if status == "SETUP_FAILED" || status == "DEFUNCT" {
                    let setupLogs = ((health["setup"] as? [String: Any])?["logs"] as? String).map { "\nsetup logs:\n" + $0.trimmingCharacters(in: .newlines) } ?? ""
                    throw RunFailure(message: "the model's setup failed (\(status))\(setupLogs)\(try await logTail())")
                }
            } else {
                line.show("starting the model's server (\(elapsed) s)")
            }
            let state = try await engine.inspectContainer(id)
            if !state.running {
                throw RunFailure(message: "the container exited with code \(state.exitCode) before the model was ready\(state.error.map { " (\($0))" } ?? "")\(try await logTail())")
            }
            if Date().timeIntervalSince(start) > timeout {
                throw RunFailure(message: "the model was not ready after \(Int(timeout)) s\(try await logTail())")
            }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
    }
}

/// One line on stderr that says what is being waited for: rewritten in place on a terminal,
/// a new line at each change otherwise.
final class StatusLine: @unchecked Sendable {
    private let tty = isatty(2) != 0
    private var last = ""
    private var shown = false

    func show(_ text: String) {
        if tty {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + Quote.escaped(text)).utf8))
            shown = true
        } else {
            // Without the seconds: one line per change of state.
            let state = text.replacingOccurrences(of: #" \(\d+ s\)$"#, with: "", options: .regularExpression)
            if state != last { Console.error(state) }
            last = state
        }
    }

    func finish() {
        if tty, shown { FileHandle.standardError.write(Data("\n".utf8)) }
        shown = false
    }
}

import Foundation
import NIOCore
import PlanFormat
import Synchronization
import SwiftProtobuf

/// What `cogpack build` asks for besides the plan.
public struct BuildOptions: Sendable {
    public var tag: String
    public var projectDirectory: URL
    public var address: BuilderAddress
    public var progress: ProgressMode
    /// A CA bundle for a TLS-intercepting proxy, mounted into the steps that download.
    public var caBundle: URL?
    /// id → file, for `secret` mounts of cog.yaml `run` commands.
    public var secrets: [String: URL]
    /// A folder of wheels for offline installs.
    public var wheelhouse: URL?
    /// How the session reaches BuildKit on the engine: its `/session` upgrade, or tunnelled
    /// through `Control.Session` (the only way with buildkitd).
    public var sessionRoute: SessionRoute = .upgrade
    /// Run every step again instead of taking it from BuildKit's cache (`--no-cache`).
    public var noCache = false
    /// Images whose inline cache the build may reuse (`--cache-from`), fully qualified.
    public var cacheFrom: [String] = []
    /// Write the cache metadata into the image's config (BuildKit's inline cache), so that a
    /// build on another engine can take its layers from the registry instead of running the
    /// steps. It costs a few kilobytes of config.
    public var exportCache = true

    public enum SessionRoute: String, CaseIterable, Sendable { case upgrade, tunnel }

    public init(tag: String, projectDirectory: URL, address: BuilderAddress, progress: ProgressMode = .auto,
                caBundle: URL? = nil, secrets: [String: URL] = [:], wheelhouse: URL? = nil) {
        self.tag = tag
        self.projectDirectory = projectDirectory
        self.address = address
        self.progress = progress
        self.caBundle = caBundle
        self.secrets = secrets
        self.wheelhouse = wheelhouse
    }
}

public struct BuildResult: Sendable {
    public let imageID: String
    public let tag: String
    public let steps: Int
    public let cachedSteps: Int
    public let seconds: Double
}

/// Drives one build through BuildKit's gateway flow: a session serving the contexts, the
/// status stream, `Control.Solve` with the moby exporter, then on the LLB bridge the base image
/// configs, the solve of our Definition, and `Return` with the complete image config.
public final class ImageBuilder: Sendable {
    private let plan: Plan
    private let options: BuildOptions

    /// Touched by the signal handler's queue and by the build.
    private struct CancelState {
        var cancelled = false
        var handler: (@Sendable () -> Void)?
    }

    private let cancelState = Mutex(CancelState())
    private var cancelled: Bool { cancelState.withLock { $0.cancelled } }

    public init(plan: Plan, options: BuildOptions) {
        self.plan = plan
        self.options = options
    }

    /// Stops a running build: the gateway returns an error and the session closes.
    public func cancel() {
        let handler = cancelState.withLock { s in
            s.cancelled = true
            return s.handler
        }
        handler?()
    }

    public func build() async throws -> BuildResult {
        let connector = Connector(address: options.address)
        do {
            let result = try await build(connector: connector)
            await connector.shutdown()
            return result
        } catch {
            await connector.shutdown()
            throw error
        }
    }

    private func build(connector: Connector) async throws -> BuildResult {
        let started = Date()
        let control: GRPCConnection
        do {
            control = try await connector.control()
        } catch {
            throw BuildError.noBuilder(Self.unreachable(options.address, error))
        }

        let ref = Self.randomID()
        let sessionID = Self.randomID()
        let services = SessionServices(contexts: try contexts(), secrets: try secrets(), logins: Self.login(host:))
        let session = try await openSession(connector: connector, control: control, id: sessionID, services: services)

        let tracker = ProgressTracker(mode: options.progress)
        let status = Task {
            var request = Moby_Buildkit_V1_StatusRequest()
            request.ref = ref
            let stream = try await control.serverStream("/moby.buildkit.v1.Control/Status", request, as: Moby_Buildkit_V1_StatusResponse.self)
            for try await response in stream { tracker.handle(response) }
        }
        let clock = Task {
            while tracker.ticks, !Task.isCancelled {
                try await Task.sleep(nanoseconds: 500_000_000)
                tracker.tick()
            }
        }
        defer { clock.cancel() }
        let qualifiedTag = ImageReference.qualified(options.tag)
        let solve = Task { () throws -> Moby_Buildkit_V1_SolveResponse in
            var request = Moby_Buildkit_V1_SolveRequest()
            request.ref = ref
            request.session = sessionID
            if case .engine = options.address {
                request.exporter = "moby"
            } else {
                request.exporter = "image"
            }
            request.exporterAttrs = ["name": qualifiedTag]
            if options.exportCache {
                // The only exporter the engine has. mode=min: the cache of the image's own
                // layers, which is all a registry image can carry.
                var entry = Moby_Buildkit_V1_CacheOptionsEntry()
                entry.type = "inline"
                entry.attrs = ["mode": "min"]
                var cache = Moby_Buildkit_V1_CacheOptions()
                cache.exports = [entry]
                request.cache = cache
            }
            return try await control.unary("/moby.buildkit.v1.Control/Solve", request)
        }

        let gateway = [("buildkit-controlapi-buildid", ref)]
        // Ctrl-C: the gateway returns an error (BuildKit stops the job), then the session and
        // the connection close, which ends every call still waiting; after a second they close
        // anyway. Both run as the connector's tasks, so shutdown waits for them.
        let onCancel: @Sendable () -> Void = {
            connector.tasks.spawn {
                await Self.returnError(code: 1, message: "cancelled", control: control, metadata: gateway)
                session.close()
                connector.closeAll()
            }
            connector.tasks.spawn {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                connector.closeAll()
            }
        }
        let alreadyCancelled = cancelState.withLock { s in
            s.handler = onCancel
            return s.cancelled
        }
        if alreadyCancelled { onCancel() }
        var gatewayError: Error?
        do {
            try await frontend(control: control, metadata: gateway, sessionID: sessionID)
        } catch {
            gatewayError = error
            await Self.returnError(code: cancelled ? 1 : 2, message: cancelled ? "cancelled" : "\(error)",
                                   control: control, metadata: gateway)
        }
        let response: Moby_Buildkit_V1_SolveResponse
        do {
            response = try await solve.value
        } catch {
            _ = try? await status.value
            if cancelled { throw BuildError.cancelled }
            if let f = tracker.failure() { throw BuildError.stepFailed(step: f.name, error: f.error, log: f.log) }
            if let lost = await connector.lostReason() { throw BuildError.builderLost(lost.message) }
            if let gatewayError { throw Self.describe(gatewayError, services.errors) }
            throw Self.describe(error, services.errors)
        }
        _ = try? await status.value
        if let gatewayError {
            if let lost = await connector.lostReason() { throw BuildError.builderLost(lost.message) }
            throw Self.describe(gatewayError, services.errors)
        }
        let summary = tracker.summary
        return BuildResult(imageID: response.exporterResponse["containerimage.digest"] ?? "", tag: qualifiedTag,
                           steps: summary.total, cachedSteps: summary.cached, seconds: Date().timeIntervalSince(started))
    }

    /// Ends the gateway flow with an error, so that `Control.Solve` stops waiting. Best effort:
    /// the connection may already be gone.
    private static func returnError(code: Int32, message: String, control: GRPCConnection, metadata: [(String, String)]) async {
        var status = Moby_Buildkit_V1_Frontend_Status()
        status.code = code
        status.message = message
        var request = Moby_Buildkit_V1_Frontend_ReturnRequest()
        request.error = status
        _ = try? await control.unary("/moby.buildkit.v1.frontend.LLBBridge/Return", request, metadata: metadata,
                                     as: Moby_Buildkit_V1_Frontend_ReturnResponse.self)
    }

    private static func describe(_ error: Error, _ sessionErrors: [String]) -> BuildError {
        let text = (error as? GRPCStatusError)?.message ?? "\(error)"
        return .buildkit(([text] + sessionErrors).joined(separator: "\n"))
    }

    /// Base configs, the Definition, the solve, and `Return` with the image config.
    private func frontend(control: GRPCConnection, metadata: [(String, String)], sessionID: String) async throws {
        var configs: [String: [String: Any]] = [:]
        var inputs = PlanCompiler.Inputs()
        for image in PlanCompiler.images(in: plan) {
            var request = Moby_Buildkit_V1_Frontend_ResolveImageConfigRequest()
            request.ref = image
            var platform = Pb_Platform()
            platform.os = plan.platform.os
            platform.architecture = plan.platform.arch
            request.platform = platform
            request.resolveMode = "default"
            request.logName = "[internal] load metadata for \(image)"
            let response: Moby_Buildkit_V1_Frontend_ResolveImageConfigResponse = try await control.unary(
                "/moby.buildkit.v1.frontend.LLBBridge/ResolveImageConfig", request, metadata: metadata)
            let config = (try JSONSerialization.jsonObject(with: response.config) as? [String: Any]) ?? [:]
            configs[image] = config
            inputs.imageEnv[image] = ImageConfig.env(of: config)
            if let created = config["created"] as? String { inputs.imageCreated[image] = created }
        }
        inputs.hasCABundle = options.caBundle != nil
        inputs.secrets = Set(options.secrets.keys)
        inputs.hasWheelhouse = options.wheelhouse != nil
        inputs.ignoreCache = options.noCache
        inputs.sessionID = sessionID
        var compiler = PlanCompiler(plan: plan, inputs: inputs)
        let compiled = try compiler.compile()
        if cancelled { throw BuildError.cancelled }

        var solve = Moby_Buildkit_V1_Frontend_SolveRequest()
        solve.definition = compiled.definition
        solve.allowResultReturn = true
        solve.allowResultArrayRef = true
        solve.evaluate = true
        // In the gateway flow the imports belong to the bridge's Solve: Control.Solve's are
        // read only when it solves a Definition or a frontend itself.
        solve.cacheImports = options.cacheFrom.map { ref in
            var entry = Moby_Buildkit_V1_Frontend_CacheOptionsEntry()
            entry.type = "registry"
            entry.attrs = ["ref": ref]
            return entry
        }
        let result: Moby_Buildkit_V1_Frontend_SolveResponse = try await control.unary(
            "/moby.buildkit.v1.frontend.LLBBridge/Solve", solve, metadata: metadata)
        guard case .ref(let resultRef) = result.result.result else { throw BuildError.buildkit("the solve returned no result") }

        let base = compiled.final.image.flatMap { configs[$0] } ?? [:]
        // The plan itself goes into the image, for `cogpack explain`.
        var export = plan.export
        export.labels[Plan.labelKey] = try plan.labelText()
        let config = ImageConfig.merge(base: base, export: export, platform: plan.platform, history: compiled.final.history)
        var returned = Moby_Buildkit_V1_Frontend_Result()
        var r = Moby_Buildkit_V1_Frontend_Ref()
        r.id = resultRef.id
        returned.ref = r
        returned.metadata = ["containerimage.config": try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .withoutEscapingSlashes])]
        var request = Moby_Buildkit_V1_Frontend_ReturnRequest()
        request.result = returned
        let _: Moby_Buildkit_V1_Frontend_ReturnResponse = try await control.unary(
            "/moby.buildkit.v1.frontend.LLBBridge/Return", request, metadata: metadata)
    }

    // MARK: session

    private func contexts() throws -> [String: ContextSource] {
        var out: [String: ContextSource] = [:]
        for (name, context) in plan.contexts {
            switch context.kind {
            case .project: out[name] = DirectoryContext(root: options.projectDirectory)
            case .generated: out[name] = MemoryContext(files: context.files.mapValues { (Array($0.content.utf8), $0.mode) })
            }
        }
        if let ca = options.caBundle {
            guard let data = FileManager.default.contents(atPath: ca.path) else {
                throw BuildError.plan("cannot read the CA bundle \(ca.path)")
            }
            out[PlanCompiler.caContext] = MemoryContext(files: [PlanCompiler.caFile: (Array(data), 0o444)])
        }
        if let wheels = options.wheelhouse { out[PlanCompiler.wheelhouseContext] = DirectoryContext(root: wheels) }
        return out
    }

    private func secrets() throws -> [String: [UInt8]] {
        try options.secrets.mapValues { url in
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw BuildError.plan("cannot read the secret file \(url.path)")
            }
            return Array(data)
        }
    }

    private func openSession(connector: Connector, control: GRPCConnection, id: String, services: SessionServices) async throws -> BuildSession {
        // A header value must not hold CR, LF or other control bytes (they would end the header
        // or the request); the name only labels the session, so they become '_'.
        let name = String(String.UnicodeScalarView(options.projectDirectory.lastPathComponent.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "_" : $0
        }))
        let sharedKey = Digest.sha256(Array("cogpack:\(options.projectDirectory.path)".utf8)).dropFirst(7)
        var headers: [(String, String)] = [
            ("X-Docker-Expose-Session-Uuid", id),
            ("X-Docker-Expose-Session-Name", name),
            ("X-Docker-Expose-Session-Sharedkey", String(sharedKey)),
        ]
        for m in SessionServices.methods { headers.append(("X-Docker-Expose-Session-Grpc-Method", m)) }
        switch options.address {
        case .engine where options.sessionRoute == .upgrade:
            let channel = try await connector.engineSession(headers: headers, router: services.route)
            return BuildSession(close: { channel.close(promise: nil) })
        case .engine, .buildkitd:
            return try await SessionTunnel.open(connector: connector, control: control, headers: headers, router: services.route)
        }
    }

    /// The login BuildKit asks the session for, from the Docker config as `cogpack push` reads
    /// it; read when asked, so that a build that talks to no registry never runs a helper.
    @Sendable static func login(host: String) throws -> (username: String, secret: String)? {
        switch try DockerConfig.load().credentials(host: host).secret {
        case .password(let username, let password)?: (username, password)
        case .identityToken(let token)?: ("", token)
        case nil: nil
        }
    }

    static func randomID() -> String {
        (0..<25).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement()!) }.joined()
    }

    static func unreachable(_ address: BuilderAddress, _ error: Error) -> String {
        // The engine was reached; how to start one would be the wrong advice.
        if let e = error as? EngineTLSFailure { return e.description }
        return switch address {
        case .engine(let e):
            "cannot reach the Docker engine at \(e) (\(error)). Start one with `bash scripts/start-docker.sh` (or `dockerd &`), or set DOCKER_HOST or --builder."
        case .buildkitd(let e):
            "cannot reach buildkitd at \(e) (\(error)). Start it (`buildkitd --addr \(e)`) or choose another --builder."
        }
    }
}

/// A session's lifetime: closing it tells BuildKit the client is gone.
struct BuildSession: Sendable {
    let close: @Sendable () -> Void
}

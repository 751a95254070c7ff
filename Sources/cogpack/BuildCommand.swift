import ArgumentParser
import Builder
import Foundation
import Planner
import Resolver
import Rules

struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the model into an image in the Docker engine (or a buildkitd), through BuildKit.")

    @Argument(help: "The model folder (with cog.yaml).") var directory: String = "."
    @Option(name: .shortAndLong, help: "The image name.") var tag: String
    @Option(help: "Build a plan written earlier by `cogpack plan --json`.") var plan: String?
    @Option(help: "docker (the engine at DOCKER_HOST, the default), docker://ADDR, or a buildkitd address: unix://PATH or tcp://HOST:PORT.")
    var builder: String?
    @Option(help: "auto, tty, plain or json.") var progress: String = "auto"
    @Option(name: .customLong("ca-cert"), help: "CA bundle for downloads behind a TLS-intercepting proxy (default: SSL_CERT_FILE, REQUESTS_CA_BUNDLE or PIP_CERT).")
    var caCert: String?
    @Option(help: "A secret for `run` mounts: id=ID,src=FILE (repeatable).") var secret: [String] = []
    @Option(help: "A folder of wheels for offline installs.") var wheelhouse: String?
    @Option(help: "How the session reaches the engine's BuildKit: upgrade (POST /session) or tunnel (Control.Session).")
    var session: String = "upgrade"
    @Option(help: "A driver the image must run on (repeat for a fleet).") var driver: [String] = []
    @Option(help: "A GPU architecture the image must run on (repeat for a fleet).") var gpu: [String] = []

    func run() async throws {
        let options: BuildOptions
        let thePlan: Plan
        do {
            guard let address = builder.map({ BuilderAddress.parse($0) }) ?? BuilderAddress.defaultEngine() else {
                throw InputError(.flag("--builder"), "'\(builder ?? "")' is not an address: use docker, docker://unix:///path, unix:///path or tcp://host:port")
            }
            guard let mode = ProgressMode(rawValue: progress) else {
                throw InputError(.flag("--progress"), "'\(progress)' is not one of auto, tty, plain, json")
            }
            guard let route = BuildOptions.SessionRoute(rawValue: session) else {
                throw InputError(.flag("--session"), "'\(session)' is not one of upgrade, tunnel")
            }
            let dir = URL(fileURLWithPath: directory).standardizedFileURL
            var o = BuildOptions(tag: tag, projectDirectory: dir, address: address, progress: mode,
                                 caBundle: try caBundle(), secrets: try secrets(), wheelhouse: wheelhouse.map { URL(fileURLWithPath: $0) })
            o.sessionRoute = route
            options = o
            if let plan {
                guard let data = FileManager.default.contents(atPath: plan) else {
                    throw InputError(.flag("--plan"), "cannot read \(plan)")
                }
                thePlan = try Plan.decode(data, display: plan)
            } else {
                let (kb, available) = try EngineImages.restrict(try DataRoot.knowledgeBase(), address: address)
                switch try Planner(kb: kb).plan(dir, drivers: try Flags.drivers(driver), gpus: gpu, extra: [available],
                                                cache: DataRoot.resolutionCache()) {
                case .planned(let p): thePlan = p
                case .conflict(let c):
                    print(TextOutput.conflict(c))
                    throw ExitCode(1)
                }
            }
        } catch let e as InputError {
            Failure.report(e, json: false)
        }

        let builder = ImageBuilder(plan: thePlan, options: options)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signal(SIGINT, SIG_IGN)
        interrupt.setEventHandler { builder.cancel() }
        interrupt.resume()
        do {
            let result = try await builder.build()
            let cached = result.cachedSteps > 0 ? ", \(result.cachedSteps) cached" : ""
            print("built \(result.tag) \(result.imageID) in \(String(format: "%.1f", result.seconds)) s (\(result.steps) steps\(cached))")
        } catch BuildError.cancelled {
            FileHandle.standardError.write(Data("build cancelled\n".utf8))
            throw ExitCode(130)
        } catch let e as BuildError {
            FileHandle.standardError.write(Data("error: \(e)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func caBundle() throws -> URL? {
        let env = ProcessInfo.processInfo.environment
        guard let path = caCert ?? env["SSL_CERT_FILE"] ?? env["REQUESTS_CA_BUNDLE"] ?? env["PIP_CERT"] else { return nil }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw InputError(.flag("--ca-cert"), "cannot read the CA bundle \(path)")
        }
        return URL(fileURLWithPath: path)
    }

    private func secrets() throws -> [String: URL] {
        var out: [String: URL] = [:]
        for s in secret {
            var id: String?, src: String?
            for part in s.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2, kv[0] == "id" { id = kv[1] }
                if kv.count == 2, kv[0] == "src" || kv[0] == "source" { src = kv[1] }
            }
            guard let id, let src else { throw InputError(.flag("--secret"), "'\(s)' must be id=ID,src=FILE") }
            out[id] = URL(fileURLWithPath: src)
        }
        return out
    }
}

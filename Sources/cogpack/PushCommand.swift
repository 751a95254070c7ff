import ArgumentParser
import Builder
import Foundation
import Rules

struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push an image of the Docker engine to its registry, with the login of the Docker config.")

    @Argument(help: "The image: [REGISTRY/]NAME[:TAG] (the tag defaults to latest), such as one `cogpack build -t` made.")
    var name: String
    @Option(help: "auto, tty, plain, json or quiet.") var progress: String = "auto"

    func run() async throws {
        let push: Publish
        do {
            push = try Publish.prepare(name: name, setting: "NAME", progress: progress, address: Flags.builder(nil))
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
        try await push.run()
    }
}

/// A push of an image of the engine to its registry (`cogpack push`, `cogpack build --push`),
/// checked before anything is sent: the name, the progress view, and the login, read from the
/// Docker config (and its credential helper) once, before a build starts.
struct Publish {
    let reference: ImageReference
    let credentials: RegistryCredentials
    let engine: BuilderAddress.Endpoint
    let mode: ProgressMode
    let quiet: Bool

    /// Bad input (the name, `--progress`, the config file) is an InputError; a credential
    /// helper that fails is reported here and exits 1.
    static func prepare(name: String, setting: String, progress: String, address: BuilderAddress) throws -> Publish {
        let reference = try Self.reference(name, setting: setting)
        let quiet = progress == "quiet"
        guard quiet || ProgressMode(rawValue: progress) != nil else {
            throw InputError(.flag("--progress"), "\(Quote.value(progress)) is not one of auto, tty, plain, json, quiet")
        }
        guard case .engine(let endpoint) = address else {
            throw InputError(.flag("--push"), "the image is built by the buildkitd at \(address), not in the Docker engine that pushes; build with --builder docker to push")
        }
        let credentials: RegistryCredentials
        do {
            credentials = try DockerConfig.load().credentials(for: reference)
        } catch let e as CredentialHelper.Failure {
            Console.error("error: \(e.message)")
            throw ExitCode(1)
        }
        return Publish(reference: reference, credentials: credentials, engine: endpoint,
                       mode: ProgressMode(rawValue: progress) ?? .plain, quiet: quiet)
    }

    /// The same push, of another name (one `cogpack base --push` derives from the name it checked).
    func sending(_ other: ImageReference) -> Publish {
        Publish(reference: other, credentials: credentials, engine: engine, mode: mode, quiet: quiet)
    }

    /// An image name to push: the reference grammar, a tag (or none, for latest), no digest.
    static func reference(_ text: String, setting: String) throws -> ImageReference {
        let ref: ImageReference
        do {
            ref = try ImageReference(parsing: text)
        } catch let e as ImageReference.Invalid {
            let example = e.reason.contains("write ") || e.reason.contains("use ") ? "" : "; write a name such as registry.example.com/team/model:1.0"
            throw InputError(.flag(setting), "\(Quote.value(text)) is not an image name: \(e.reason)\(example)")
        }
        guard ref.digest == nil else {
            throw InputError(.flag(setting), "\(Quote.value(text)) names a digest; a push sends a tag: write NAME or NAME:TAG")
        }
        return ref
    }

    /// Pushes, shows the progress on stderr and the digest on stdout; a failure is one line and
    /// exit 1, Ctrl-C exit 130 (closing the connection stops the engine's push).
    func run() async throws {
        let view = PushProgressView(mode: mode, quiet: quiet)
        let interrupt = Interrupt.handle {
            Console.error("push cancelled")
            Foundation.exit(130)
        }
        defer { interrupt.cancel() }
        let clock = Task {
            while view.ticks, !Task.isCancelled {
                try await Task.sleep(nanoseconds: 500_000_000)
                view.tick()
            }
        }
        defer { clock.cancel() }
        let result: PushResult
        do {
            result = try await ImagePusher(engine: EngineAPI(endpoint: engine)).push(reference, credentials: credentials) { view.handle($0) }
        } catch let e as PushError {
            clock.cancel()
            Console.error("error: \(e)")
            throw ExitCode(1)
        }
        clock.cancel()
        print(Self.summary(result))
    }

    static func summary(_ r: PushResult) -> String {
        let pushed = r.layers.filter { $0.outcome == .pushed }.count
        let kept = r.layers.count - pushed
        let sent = ByteCount.text(r.bytesPushed)
        return "pushed \(r.reference) \(r.digest) in \(String(format: "%.1f", r.seconds)) s (\(r.layers.count) layer\(r.layers.count == 1 ? "" : "s"): \(pushed) sent, \(kept) already in the registry; \(sent) sent)"
    }
}

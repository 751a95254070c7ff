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

    @Argument(help: "The model folder (with cog.yaml).", completion: .directory) var directory: String = "."
    @Option(name: .shortAndLong, help: "The image name (one; default: cog.yaml's image:, else cog-<folder>, as Cog names it).") var tag: [String] = []
    @Option(help: "Build a plan written earlier by `cogpack plan --json`.", completion: .file(extensions: ["json"])) var plan: String?
    @Option(help: "docker (the engine at DOCKER_HOST, the default), docker://ADDR, or a buildkitd address: unix://PATH or tcp://HOST:PORT.",
            completion: .list(["docker", "docker://", "unix://", "tcp://"]))
    var builder: String?
    @OptionGroup(title: "TLS with a tcp:// engine") var tls: TLSFlags
    @Option(help: "auto, tty, plain, json, or quiet (only the image ID, at the end).", completion: .list(ProgressMode.allCases.map(\.rawValue)))
    var progress: String = "auto"
    @Flag(name: .customLong("no-cache"), help: "Run every step again: no step is taken from BuildKit's cache (nothing is removed from it).")
    var noCache = false
    @Option(name: .customLong("ca-cert"), help: "CA bundle for downloads behind a TLS-intercepting proxy (default: SSL_CERT_FILE, REQUESTS_CA_BUNDLE or PIP_CERT).",
            completion: .file())
    var caCert: String?
    @Option(help: "A secret for `run` mounts: id=ID,src=FILE (repeatable).") var secret: [String] = []
    @Option(help: "A folder of wheels for offline installs.", completion: .directory) var wheelhouse: String?
    @Option(help: "How the session reaches the engine's BuildKit: upgrade (POST /session) or tunnel (Control.Session).",
            completion: .list(BuildOptions.SessionRoute.allCases.map(\.rawValue)))
    var session: String = "upgrade"
    @Option(help: "A driver the image must run on (repeat for a fleet).") var driver: [String] = []
    @Option(help: "A GPU architecture the image must run on (repeat for a fleet).") var gpu: [String] = []
    @Option(name: .customLong("cache-from"), help: "An image pushed by an earlier build whose layers this build may reuse instead of running their steps (repeatable).")
    var cacheFrom: [String] = []
    @Flag(name: .customLong("no-inline-cache"), help: "Leave BuildKit's cache records out of the image's config: later builds cannot --cache-from it, but two builds of one lock then give the same image ID (the records carry their own times).")
    var noInlineCache = false
    @Flag(help: "Push the image to its registry after the build, with the login of the Docker config.") var push = false
    @Flag(help: "Install exactly the packages of cogpack.lock; a missing or stale lock is exit 2 naming the line that changed (without it, a stale lock is made again first).")
    var locked = false

    /// A plan file larger than this is not one cogpack wrote.
    static let maxPlanBytes = 64 << 20
    /// A CA bundle is a few hundred kilobytes; it is held in memory and served to the build.
    static let maxCABundleBytes = 16 << 20

    func run() async throws {
        let options: BuildOptions
        let thePlan: Plan
        var publish: Publish?
        do {
            // Every flag is checked before anything is planned or the builder is contacted.
            let given = try tag.isEmpty ? nil : Flags.tag(tag)
            let dir = try FolderArgument.url(directory)
            let address = try Flags.builder(builder, tls: tls)
            guard let mode = ProgressMode(rawValue: progress) else {
                throw InputError(.flag("--progress"), "\(Quote.value(progress)) is not one of \(ProgressMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let route = BuildOptions.SessionRoute(rawValue: session) else {
                throw InputError(.flag("--session"), "\(Quote.value(session)) is not one of upgrade, tunnel")
            }
            let drivers = try Flags.drivers(driver)
            var o = BuildOptions(tag: given?.description ?? "", projectDirectory: dir, address: address, progress: mode,
                                 caBundle: try Flags.caBundle(caCert), secrets: try SecretFlag.parse(secret),
                                 wheelhouse: try wheelhouse.map { try InputFiles.check($0, flag: "--wheelhouse", what: "wheelhouse folder", kind: .folder) })
            o.sessionRoute = route
            o.noCache = noCache
            o.cacheFrom = try Flags.cacheFrom(cacheFrom)
            o.exportCache = !noInlineCache
            if plan != nil, locked { throw InputError(.flag("--locked"), "a --plan file was planned already; plan it with the lock instead") }
            if let plan {
                let data = try InputFiles.read(plan, flag: "--plan", what: "plan", limit: Self.maxPlanBytes)
                thePlan = try Plan.decode(data, display: plan)
            } else {
                thePlan = try await ModelImage.plan(dir, address: address, drivers: drivers, gpus: gpu, lock: locked ? .required : .whenFresh,
                                                    relock: !locked)
            }
            // No -t: the name Cog would give, from the plan's cog.yaml (`image:`) or the folder.
            if given == nil {
                o.tag = try DefaultImageName.reference(config: thePlan.export.labels["run.cog.config"], folder: dir).description
            }
            // The login is read before the build: a push that cannot happen fails first.
            if push { publish = try Publish.prepare(name: o.tag, setting: given == nil ? "cog.yaml's image:" : "-t", progress: progress, address: address) }
            options = o
        } catch let e as InputError {
            Failure.report(e, json: false)
        }

        let result = try await ModelImage.build(thePlan, options: options)
        if options.progress == .quiet {
            print(result.imageID)
        } else {
            let cached = result.cachedSteps > 0 ? ", \(result.cachedSteps) cached" : ""
            print("built \(result.tag) \(result.imageID) in \(String(format: "%.1f", result.seconds)) s (\(result.steps) steps\(cached))")
        }
        try await publish?.run()
    }
}

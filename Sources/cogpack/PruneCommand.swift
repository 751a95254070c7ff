import ArgumentParser
import Builder
import Foundation
import Rules

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the engine's unused build cache and cogpack's dangling images, and say how much was freed.",
        discussion: """
        The build cache is the engine's, one for every build it runs: cogpack's and any other \
        `docker build`'s unused records go alike (the engine cannot tell who made a record). \
        Images: only dangling ones (no name, such as the one a rebuild under the same name left \
        behind) that carry the dev.cogpack.base label, that is cogpack's bases and the images \
        built on them. Named images and images in use are never removed.
        """)

    @Flag(help: "Also remove unused cache records that are not dangling (as docker builder prune -a): the next build of every model runs its steps again.")
    var all = false
    @Option(help: "docker (the engine at DOCKER_HOST, the default) or docker://ADDR; prune talks to the Docker engine's API.",
            completion: .list(["docker", "docker://"]))
    var builder: String?
    @OptionGroup(title: "TLS with a tcp:// engine") var tls: TLSFlags
    @Option(name: .customLong("keep-storage"), help: "Keep this much build cache, the least recently used going first: bytes, or a number with KB, MB, GB (1000s) or KiB, MiB, GiB (1024s).")
    var keepStorage: String?
    @Option(help: "Only cache unused, and images created, more than this long ago: a duration such as 24h, 90m or 1h30m.")
    var until: String?

    /// Images cogpack made or built: its bases carry the label, and every image built on one inherits it.
    static let imageLabel = LocalBaseImages.baseLabel

    func run() async throws {
        let endpoint: BuilderAddress.Endpoint
        let cache: BuildCachePrune
        let images: DanglingImagePrune
        do {
            // Every flag is checked before the engine is asked anything.
            let address = try Flags.builder(builder, tls: tls)
            guard case .engine(let e) = address else {
                throw InputError(.flag("--builder"), "\(address): cogpack prune talks to the Docker engine's API: use --builder docker or docker://ADDR (prune a buildkitd with `buildctl prune`)")
            }
            endpoint = e
            let keep = try keepStorage.map { text in
                guard let bytes = ByteSize.parse(text) else {
                    throw InputError(.flag("--keep-storage"), "\(Quote.value(text)) is not a size; write bytes or a number with a unit, such as 10GB or 512MiB")
                }
                return bytes
            }
            if let until, !GoDuration.isValid(until) {
                throw InputError(.flag("--until"), "\(Quote.value(until)) is not a duration; write a number with h, m or s, such as 24h, 90m or 1h30m")
            }
            cache = BuildCachePrune(all: all, keepStorage: keep, until: until)
            images = DanglingImagePrune(label: Self.imageLabel, until: until)
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
        let engine = EngineAPI(endpoint: endpoint)
        guard try await engine.ping() else {
            Console.error("error: the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh`")
            throw ExitCode(1)
        }
        do {
            // Images first: a dangling image is no build's result any more.
            let removedImages = try await engine.prune(images)
            let removedCache = try await engine.prune(cache)
            print(Self.summary(cache: removedCache, images: removedImages))
        } catch let e as PruneError {
            Console.error("error: \(e)")
            throw ExitCode(1)
        }
    }

    /// `removed 12 cache records and 3 images, freed 1.2 GiB`.
    static func summary(cache: Pruned, images: Pruned) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "removed \(count(cache.removed.count, "cache record")) and \(count(images.removed.count, "image")), freed \(ByteCount.text(cache.bytes + images.bytes))"
    }
}

import ArgumentParser
import Builder
import Foundation
import Rules

struct BaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base",
        abstract: "Make a base image from Debian packages (debootstrap) and import it into the Docker engine.")

    @Option(help: "A Debian release (repeat for several): bookworm gives Python 3.11, trixie 3.13, bullseye 3.9.",
            completion: .list(BaseImageMaker.suites))
    var suite: [String] = []
    @Flag(help: "Every release cogpack makes bases for, so that offline builds can use each of their Pythons.")
    var all = false
    @Option(help: "The Debian mirror.") var mirror = "http://deb.debian.org/debian"
    @Flag(help: "Make the image again even if the engine has one for this release.") var force = false

    @Option(help: "Push each base made (or already in the engine) to a registry: REPOSITORY (each base under its own tag, such as bookworm-python3.11) or REPOSITORY:TAG for one release. Login: the Docker config's, as for `cogpack push`.")
    var push: String?

    func run() async throws {
        let endpoint: BuilderAddress.Endpoint
        var publish: (destination: BaseDestination, push: Publish)?
        do {
            // What to make and where it goes are checked before the engine is asked anything.
            if all, !suite.isEmpty { throw InputError(.flag("--all"), "--all makes every release; leave out --suite, or --all") }
            for s in suites { _ = try BaseImageMaker.debianVersion(suite: s) }
            try BaseImageMaker.checkMirror(mirror)
            endpoint = try Flags.engine()
            if let push {
                let destination = try BaseDestination.parse(push, releases: suites)
                publish = (destination, try Publish.prepare(name: push, setting: "--push", progress: "auto", address: .engine(endpoint)))
            }
        } catch let e as BaseImageMaker.Invalid {
            Failure.report(InputError(.flag(e.flag), e.message), json: false)
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
        let engine = EngineAPI(endpoint: endpoint)
        guard try await engine.ping() else {
            Failure.report(InputError(.flag("engine"), "the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh`"), json: false)
        }
        for suite in suites {
            let local: String
            if !force, let existing = try? await LocalBaseImages(engine: engine).discover().first(where: { $0.reference.hasPrefix("cogpack/base:\(suite)-") }) {
                print("\(existing.reference) is already in the engine (python \(existing.python ?? "?")); --force makes it again")
                local = existing.reference
            } else {
                var maker = BaseImageMaker(engine: engine, suite: suite, mirror: mirror)
                maker.log = { Console.error("base: \($0)") }
                do {
                    let made = try await maker.make()
                    print("made \(made.reference) (python \(made.python)) in \(String(format: "%.0f", made.seconds)) s")
                    local = made.reference
                } catch let e as BaseImageMaker.Invalid {
                    Failure.report(InputError(.flag(e.flag), e.message), json: false)
                } catch let e as BuildError {
                    Console.error("error: \(e)")
                    throw ExitCode(1)
                }
            }
            if let publish {
                try await send(local, to: publish.destination, with: publish.push, engine: engine)
            }
        }
    }

    /// Names the base as the registry will (the engine pushes by name) and pushes it through
    /// `cogpack push`'s path. The image ID does not change: an engine that pulls it and tags it
    /// `cogpack/base:…` has the very base this one builds on, and so shares its build cache.
    private func send(_ local: String, to destination: BaseDestination, with push: Publish, engine: EngineAPI) async throws {
        let target: ImageReference
        do {
            target = try destination.reference(forBase: local)
            try await engine.tag(image: local, repository: destination.repository, tag: target.tag ?? "latest")
        } catch {
            Console.error("error: cannot name \(local) for the registry: \(error)")
            throw ExitCode(1)
        }
        try await push.sending(target).run()
    }

    /// The releases to make, in the order given; bookworm when none is named.
    private var suites: [String] {
        if all { return BaseImageMaker.suites }
        return suite.isEmpty ? ["bookworm"] : suite
    }
}

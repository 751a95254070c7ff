import ArgumentParser
import Builder
import Foundation
import Planner
import Resolver
import Rules

/// The steps `cogpack build` takes, shared with the commands that build before they run a model
/// (`predict`, `serve`): plan for the builder that will build, then build with Ctrl-C cancelling.
enum ModelImage {
    /// The plan of `dir`, for what `address` has and reaches (its facts), with the version-control
    /// labels of the folder. A conflict is printed and exits 1.
    /// `relock`: a stale lock is made again first (`cogpack build` without `--locked`).
    static func plan(_ dir: URL, address: BuilderAddress, drivers: [DottedVersion] = [], gpus: [String] = [],
                     lock: LockPolicy = .whenFresh, relock: Bool = false) async throws -> Plan {
        // Read while the model is planned (git takes tens of milliseconds).
        let versionLabels = Background { VersionControl.labels(for: dir) }
        Resolver.prepareForCommand()
        let kb = try DataRoot.knowledgeBase()
        let machine = try await MachineFacts.fromEngine(address, kb: kb)
        let planned = { try Planner(kb: kb).plan(dir, drivers: drivers, gpus: gpus, facts: machine, cache: DataRoot.resolutionCache(), lock: lock) }
        var outcome = try planned()
        // A plan that does not install from the model's lock found it stale: relock, plan again.
        // Only then: a fresh lock costs no second resolution and no second digest of its folders.
        if relock, lock == .whenFresh, case .planned(let p) = outcome, p.export.labels[LockFile.label] == nil,
           await LockRefresh.ifStale(dir, kb: kb, facts: machine, drivers: drivers, gpus: gpus) {
            outcome = try planned()
        }
        switch outcome {
        case .planned(var p):
            p.export.labels.merge(versionLabels.value) { own, _ in own }
            for w in p.resolution.warnings { Console.error("warning: \(w)") }
            return p
        case .conflict(let c):
            print(ExplanationText.conflict(c))
            throw ExitCode(1)
        }
    }

    /// Builds `plan`; Ctrl-C cancels (exit 130), a failed build is reported (exit 1).
    static func build(_ plan: Plan, options: BuildOptions) async throws -> BuildResult {
        let builder = ImageBuilder(plan: plan, options: options)
        let interrupt = Interrupt.handle { builder.cancel() }
        defer { interrupt.cancel() }
        do {
            return try await builder.build()
        } catch BuildError.cancelled {
            Console.error("build cancelled")
            throw ExitCode(130)
        } catch let e as BuildError {
            Console.error("error: \(e)")
            throw ExitCode(1)
        }
    }
}

/// Ctrl-C (SIGINT) as an event instead of the end of the process, while `handle`'s
/// source lives. The default action is turned off once, before the first source starts:
/// libdispatch installs its own handler then, once per process, and a later `SIG_IGN` would
/// replace it for good (the next source, that of a container after a build, would never fire).
enum Interrupt {
    nonisolated(unsafe) private static var defaultActionOff = false
    private static let lock = NSLock()

    static func handle(_ action: @escaping @Sendable () -> Void) -> DispatchSourceSignal {
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        lock.withLock {
            if !defaultActionOff {
                signal(SIGINT, SIG_IGN)
                defaultActionOff = true
            }
        }
        source.setEventHandler(handler: action)
        source.resume()
        return source
    }
}

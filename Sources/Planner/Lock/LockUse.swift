import Foundation
import Resolver
import Rules

/// What a plan does with the model's `cogpack.lock`.
public enum LockPolicy: Sendable {
    /// Plan as if there were none (`cogpack lock` resolves afresh).
    case ignore
    /// Install from it when it fits the model and the resolution; a stale lock is a warning and
    /// the plan resolves afresh, as without one (the default; `cogpack build` relocks a stale
    /// lock before it plans, so that it finds a fresh one).
    case whenFresh
    /// Install from it; none, or a stale one, is bad input naming the line that changed
    /// (`cogpack build --locked`).
    case required
}

enum LockUse {
    /// The lock to install from, or nil; throws when `policy` requires one that fits.
    static func lock(for input: BlockInput, _ resolved: Resolved, policy: LockPolicy, composer: Composer) throws -> LockFile? {
        guard policy != .ignore else { return nil }
        guard let lock = try read(input.project.folder) else {
            if policy == .required {
                throw InputError(.flag("--locked"), "the model has no \(LockFile.fileName); write it with `cogpack lock`")
            }
            return nil
        }
        let changes = LockChange.between(lock, inputs: LockInput.of(input.project), choices: try LockChoice.of(resolved, kb: input.kb),
                                         pins: try LocalPin.of(input.project, input.source),
                                         findLinks: try FindLinksFolder.of(input.project, input.source))
        guard let first = changes.first else { return lock }
        let more = changes.count > 1 ? " (and \(changes.count - 1) more)" : ""
        if policy == .required { throw InputError(first.source, first.message + more) }
        composer.warn("\(LockFile.fileName) is stale, so this build resolves afresh: \(first)\(more)")
        return nil
    }

    /// The lock file of the folder, parsed; nil when there is none.
    static func read(_ folder: ModelFolder) throws -> LockFile? {
        let at = Provenance(file: LockFile.fileName, line: nil)
        guard let path = try folder.resolve(LockFile.fileName, at: at, what: "the lock file"),
              let text = try folder.text(path, at: at, what: "the lock file") else { return nil }
        return try LockFile.parse(text)
    }
}

/// What `cogpack lock` needs of the planner: the model resolved as a build would resolve it.
public enum LockPreparation: Sendable {
    case ready(LockRequest, existing: LockFile?)
    case conflict(Conflict)
}

extension Planner {
    /// The request to lock `directory`, with the facts of the machine that will build it, and the
    /// lock it has now (if any).
    public func lockRequest(_ directory: URL, drivers: [DottedVersion] = [], gpus: [String] = [], facts: BuildFacts? = nil) throws -> LockPreparation {
        if let facts {
            let (known, extra) = facts.apply(to: kb)
            return try Planner(kb: known).lockRequest(directory, drivers: drivers, gpus: gpus, extra: extra)
        }
        return try lockRequest(directory, drivers: drivers, gpus: gpus, extra: [])
    }

    private func lockRequest(_ directory: URL, drivers: [DottedVersion], gpus: [String], extra: [Request]) throws -> LockPreparation {
        let (input, _, outcome) = try resolve(directory, drivers: drivers, gpus: gpus, extra: extra, cache: nil)
        switch outcome {
        case .conflict(let c):
            return .conflict(c)
        case .resolved(let resolution):
            return .ready(try LockRequest.make(input, Resolved(resolution: resolution)), existing: try LockUse.read(input.project.folder))
        }
    }
}

import Foundation
import Planner
import Rules

/// `cogpack build` without `--locked` relocks a stale `cogpack.lock` before it plans: the lock is
/// written again for the model as it is now (the versions it held kept where they still fit, as
/// `cogpack lock` keeps them), what moved is printed, and the build installs from the new lock.
/// So the image always holds what the lock file on disk says, and the change shows in the
/// model's repository as a diff of the lock. With `--locked`, a stale lock is refused instead.
enum LockRefresh {
    /// Relocks `dir`'s lock when it has one and it is stale for `facts`, the machine that builds,
    /// and says whether it wrote a new one. When it cannot be made again (no uv, no index, a
    /// requirement a lock cannot hold), the build resolves afresh, as the planner's warning says.
    static func ifStale(_ dir: URL, kb: KnowledgeBase, facts: BuildFacts, drivers: [DottedVersion], gpus: [String]) async -> Bool {
        let file = dir.appendingPathComponent(LockFile.fileName)
        guard FileManager.default.fileExists(atPath: file.path) else { return false }
        let preparation: LockPreparation
        do {
            preparation = try Planner(kb: kb).lockRequest(dir, drivers: drivers, gpus: gpus, facts: facts)
        } catch {
            // Bad input, which the planning reports in its turn (one line, exit 2); or a
            // requirement no lock can hold, which leaves the lock stale: the planner says so.
            return false
        }
        // A conflict is the planner's to report.
        guard case .ready(let request, let existing?) = preparation else { return false }
        let changes = LockChange.between(existing, inputs: request.inputs, choices: request.choices, pins: request.pins, findLinks: request.findLinks)
        guard let first = changes.first else { return false }
        let more = changes.count > 1 ? " (and \(changes.count - 1) more)" : ""
        Console.error("warning: \(LockFile.fileName) is stale, so this build relocks it: \(Quote.escaped(first.description))\(more)")
        do {
            let lock = try await LockCommand.compile(request, existing: existing, upgradeAll: false, upgrades: [])
            try Data(lock.render().utf8).write(to: file, options: .atomic)
            for line in LockDiff.lines(from: existing, to: lock) { Console.error("  \(line)") }
            Console.error("wrote \(LockFile.fileName): \(lock.packages.count) packages for Python \(request.python) on \(LockRequest.platform)")
            return true
        } catch let f as LockFailure {
            let reason = f.message.split(separator: "\n").first.map(String.init) ?? f.message
            Console.error("warning: \(LockFile.fileName) could not be made again (\(Quote.escaped(reason))); this build resolves afresh")
        } catch {
            Console.error("warning: \(LockFile.fileName) could not be made again (\(Quote.escaped("\(error)"))); this build resolves afresh")
        }
        return false
    }
}

import ArgumentParser
import Builder
import Foundation
import Planner
import Resolver
import Rules

struct LockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Write cogpack.lock: every package of the image's Python environment, exact and hashed (docs/lock.md).",
        discussion: "`cogpack lock --upgrade [PACKAGE...]` moves versions forward (all, or the packages named) and prints what changed.")

    @Argument(help: "The model folder (with cog.yaml); with --upgrade, then the packages to upgrade.", completion: .directory)
    var arguments: [String] = []
    @Flag(help: "Exit 1 when the lock is stale or missing (the line that changed is printed), 0 when it is fresh; write nothing.")
    var check = false
    @Flag(help: "Move versions forward: every package, or only those named after the folder.") var upgrade = false
    @Option(help: "A driver the image must run on (repeat for a fleet).") var driver: [String] = []
    @Option(help: "A GPU architecture the image must run on (repeat for a fleet).") var gpu: [String] = []

    func run() async throws {
        let dir: URL
        let upgrades: [String]
        let preparation: LockPreparation
        do {
            (dir, upgrades) = try Self.split(arguments, upgrade: upgrade)
            if check, upgrade { throw InputError(.flag("--check"), "--check writes nothing; leave out --upgrade") }
            let kb = try DataRoot.knowledgeBase()
            // The facts `cogpack build` will use, so that the lock holds what the build resolves.
            let machine = try await MachineFacts.forResolution(file: nil, noEngine: false, requireEngine: false, kb: kb)
            preparation = try Planner(kb: kb).lockRequest(dir, drivers: try Flags.drivers(driver), gpus: gpu, facts: machine)
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
        guard case .ready(let request, let existing) = preparation else {
            if case .conflict(let c) = preparation { print(ExplanationText.conflict(c)) }
            throw ExitCode(1)
        }
        if check {
            guard let existing else {
                Console.error("stale: \(LockFile.fileName) is missing; write it with `cogpack lock`")
                throw ExitCode(1)
            }
            let changes = LockChange.between(existing, inputs: request.inputs, choices: request.choices, pins: request.pins, findLinks: request.findLinks)
            for c in changes { Console.error("stale: \(Quote.escaped(c.description))") }
            if !changes.isEmpty { throw ExitCode(1) }
            print("\(LockFile.fileName) is fresh (\(existing.packages.count) packages, inputs \(existing.inputsDigest))")
            return
        }
        let lock: LockFile
        do {
            lock = try await Self.compile(request, existing: existing, upgradeAll: upgrade && upgrades.isEmpty, upgrades: upgrades)
        } catch let f as LockFailure {
            Console.error("error: \(f.message)")
            throw ExitCode(1)
        } catch let e as InputError {
            Failure.report(e, json: false)
        }
        for name in upgrades where !lock.packages.contains(where: { $0.name == name }) && !(existing?.packages.contains { $0.name == name } ?? false) {
            Failure.report(InputError(.flag("--upgrade"), "\(Quote.value(name)) is not a package of the lock; name one of its packages"), json: false)
        }
        let file = dir.appendingPathComponent(LockFile.fileName)
        try Data(lock.render().utf8).write(to: file, options: .atomic)
        for line in LockDiff.lines(from: existing, to: lock) { print(line) }
        print("wrote \(LockFile.fileName): \(lock.packages.count) packages for Python \(request.python) on \(LockRequest.platform)")
    }

    /// The folder (the first argument, when it is a model folder or the only one) and the packages
    /// to upgrade (the others, with --upgrade).
    static func split(_ arguments: [String], upgrade: Bool) throws -> (URL, [String]) {
        var rest = arguments
        var folder = "."
        if let first = rest.first,
           !upgrade || FileManager.default.fileExists(atPath: URL(fileURLWithPath: first).appendingPathComponent("cog.yaml").path) {
            folder = first
            rest.removeFirst()
        }
        guard rest.isEmpty || upgrade else {
            throw InputError(.flag("lock"), "one model folder is taken, given also \(rest.map(Quote.value).joined(separator: ", ")); to upgrade packages, add --upgrade")
        }
        return (try FolderArgument.url(folder), rest.map(PackageName.normalize))
    }

    /// uv twice, in a container of the model's base image (UvContainer): the requirements format
    /// for versions, the packages that need each and their index (the existing lock's versions
    /// preferred unless upgraded); then those exact versions alone in the pylock format, for the
    /// hashes of the target's files.
    static func compile(_ request: LockRequest, existing: LockFile?, upgradeAll: Bool, upgrades: [String]) async throws -> LockFile {
        let endpoint = try Flags.engine()
        guard try await EngineAPI(endpoint: endpoint).ping() else {
            throw LockFailure(message: "the Docker engine at \(endpoint) does not answer, and cogpack lock runs uv in a container there (a package's build backend is the model's code, which does not run on this machine); start it with `bash scripts/start-docker.sh`, or set DOCKER_HOST")
        }
        let uv = try HostUv.locate(version: request.uvVersion)
        let ca = try Flags.caBundle(nil)
        // What the engine refused, here or while the container starts, is a failure to lock.
        do {
            let container = try await UvContainer.start(request, endpoint: endpoint, uvBinary: uv, ca: ca)
            do {
                let lock = try await compile(request, in: container, existing: existing, upgradeAll: upgradeAll, upgrades: upgrades)
                await container.remove()
                return lock
            } catch {
                await container.owned.yieldToInterrupt()
                await container.remove()
                throw error
            }
        } catch let e as TransportError {
            throw LockFailure(message: e.message)
        }
    }

    private static func compile(_ request: LockRequest, in container: UvContainer, existing: LockFile?, upgradeAll: Bool, upgrades: [String]) async throws -> LockFile {
        try await container.write("requirements.in", request.requirements)
        try await container.write("constraints.txt", request.constraints)
        if let existing, !upgradeAll {
            // uv keeps the versions of an existing output file where they still fit: its preferences.
            // Index and --find-links packages only: a URL, VCS or folder requirement is pinned by its own line.
            let pins = existing.packages.filter { p in
                if case .findLinks = p.origin { return true }
                return p.isFromIndex
            }.compactMap { p in p.version.map { "\(p.name)==\($0)\n" } }.joined()
            try await container.write("resolved.txt", pins)
        }
        var first = ["pip", "compile", "requirements.in", "-c", "constraints.txt", "-o", "resolved.txt", "--no-header",
                     "--annotation-style", "line", "--emit-index-annotation", "--quiet"] + request.arguments
        if upgradeAll { first.append("--upgrade") }
        first += upgrades.flatMap { ["--upgrade-package", $0] }
        try await container.uv(first)
        let compiled = try UvCompileOutput.packages(try await container.read("resolved.txt"))
        try await container.write("pins.txt", compiled.map { $0.pin + "\n" }.joined())
        try await container.uv(["pip", "compile", "pins.txt", "--no-deps", "--generate-hashes", "--format", "pylock.toml", "-o", "pylock.toml",
                                "--no-header", "--quiet"] + request.arguments)
        let pylock = try await container.read("pylock.toml")
        return try request.lock(compiled, locked: UvCompileOutput.locked(pylock: pylock), work: UvContainer.work)
    }
}

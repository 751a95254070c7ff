import ArgumentParser
import Builder
import Foundation
import Planner
import Resolver

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the packages and resolver choices that differ between two images cogpack built, or two lock files.",
        discussion: "Exit 0: no differences; 1: they differ; 2: bad input. An argument that is an existing file is read as a lock file, anything else as an image of the engine.")

    @Argument(help: "The old side: an image (NAME[:TAG] or ID) or a cogpack.lock file.") var old: String
    @Argument(help: "The new side, of the same kind.") var new: String
    @Flag(help: "Print JSON for tools.") var json = false

    func run() async throws {
        do {
            let a = try await DiffSide.read(old, flag: "IMAGE_A")
            let b = try await DiffSide.read(new, flag: "IMAGE_B")
            guard a.isLock == b.isLock else {
                throw InputError(.flag(b.isLock ? "IMAGE_B" : "IMAGE_A"),
                                 "\(Quote.value(a.isLock ? old : new)) is a lock file and \(Quote.value(a.isLock ? new : old)) an image; give two images or two lock files")
            }
            let drift = Drift.between(a.record, b.record)
            print(json ? DriftReport.json(drift, a, b) : DriftReport.text(drift, a, b))
            if !drift.isEmpty { Foundation.exit(1) }
        } catch let e as InputError {
            Failure.report(e, json: json)
        }
    }
}

/// One argument of `cogpack diff`, read: a lock file, or an image's labels.
struct DiffSide {
    let name: String
    let isLock: Bool
    let record: EnvironmentRecord

    /// An existing file is a lock; anything else names an image of the engine at `DOCKER_HOST`.
    static func read(_ argument: String, flag: String) async throws -> DiffSide {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), !isFolder.boolValue {
            return DiffSide(name: argument, isLock: true, record: EnvironmentRecord(lock: try lock(argument)))
        }
        return DiffSide(name: argument, isLock: false, record: try await image(argument, flag: flag))
    }

    private static func lock(_ path: String) throws -> LockFile {
        let at = Provenance(file: path, line: nil)
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(at, "cannot be read (permissions?)") }
        guard let text = String(data: data, encoding: .utf8) else { throw InputError(at, "is not UTF-8 text, so not a lock cogpack wrote") }
        return try LockFile.parse(text, display: path)
    }

    private static func image(_ image: String, flag: String) async throws -> EnvironmentRecord {
        let endpoint = try Flags.engine()
        let engine = EngineAPI(endpoint: endpoint)
        guard try await engine.ping() else {
            throw InputError(.flag("engine"), "the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh`, or set DOCKER_HOST")
        }
        guard !image.isEmpty, Quote.firstControl(image) == nil, let inspect = try await engine.inspect(image: image) else {
            throw InputError(.flag(flag), "no lock file and no image of the engine is named \(Quote.value(image))")
        }
        let labels = (inspect["Config"] as? [String: Any])?["Labels"] as? [String: String] ?? [:]
        do {
            return try EnvironmentRecord(labels: labels)
        } catch .notCogpack {
            throw InputError(.flag(flag), "\(Quote.value(image)) was not built by cogpack: it has no \(ResolutionLabel.key) label")
        } catch .otherRelease(let label) {
            throw InputError(.flag(flag), "\(Quote.value(image)) was built by another release of cogpack, whose \(label) label this one cannot read; build it again")
        }
    }
}

/// `cogpack diff`'s output: what each side is, then the choices and the packages that moved.
enum DriftReport {
    static func notes(_ drift: Drift, _ sides: [DiffSide]) -> [String] {
        guard !drift.packagesCompared else { return [] }
        return sides.filter { $0.record.packages == nil }.map {
            "\(Quote.value($0.name)) was built without a lock (no \(LockPackagesLabel.key) label): only the resolver's choices are compared"
        }
    }

    static func text(_ drift: Drift, _ a: DiffSide, _ b: DiffSide) -> String {
        var lines = [("-", a), ("+", b)].map { mark, side in
            "\(mark) \(Quote.escaped(side.name))  " + (side.record.lockDigest.map { "lock \($0)" } ?? "no lock")
        }
        lines += notes(drift, [a, b]).map { "note: " + Quote.escaped($0) }
        if drift.isEmpty {
            lines.append("no differences")
            return lines.joined(separator: "\n")
        }
        if !drift.choices.isEmpty { lines += ["", "resolver choices"] + drift.choices.map { "  " + Quote.escaped($0.line) } }
        if !drift.packages.isEmpty { lines += ["", "packages"] + drift.packages.map { "  " + Quote.escaped($0.line) } }
        return lines.joined(separator: "\n")
    }

    static func json(_ drift: Drift, _ a: DiffSide, _ b: DiffSide) -> String {
        func side(_ s: DiffSide) -> [String: Any] {
            ["name": s.name, "kind": s.isLock ? "lock" : "image", "lock": s.record.lockDigest.map { $0 as Any } ?? NSNull()]
        }
        func changes(_ cs: [Drift.Change]) -> [[String: Any]] {
            cs.map { ["name": $0.name, "old": $0.old.map { $0 as Any } ?? NSNull(), "new": $0.new.map { $0 as Any } ?? NSNull()] }
        }
        return ExplanationJSON.render([
            "status": drift.isEmpty ? "same" : "different", "old": side(a), "new": side(b),
            "choices": changes(drift.choices),
            "packages": drift.packagesCompared ? changes(drift.packages) as Any : NSNull(),
            "notes": notes(drift, [a, b]),
        ])
    }
}

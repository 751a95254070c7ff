import Foundation
import Planner
import Rules

/// A model folder with an `expect.yaml`: the outcome a maintainer states for it. Adding one is
/// adding a folder; no Swift.
///
///     status: resolved | conflict | error
///     choices: {torch: "2.3.1", cuda: "12.1", apt_packages: "libgl1 libglib2.0-0"}
///     absent: [tensorflow]          # variables that must not apply
///     core: ["cog.yaml:4"]          # sources a conflict's core must name (a file alone: any line of it)
///     correction: "set cuda: \"12.1\""  # words one offered correction must contain
///     error: "python_version"       # words the input error must contain
///     warnings: ["cog.yaml:3: …"]   # words each of some warnings must contain
///     drivers: ["535.54"]           # --driver flags; gpus: ["sm_90"] for --gpu
///     facts:                        # the machine it assumes (default: none, anything reachable)
///       registry: false
///       local_bases: [{reference: "cogpack/base:bookworm-python3.11", os: debian12, python: "3.11", size_mb: 162}]
///       usable_images: [...]        # default: every image when a registry answers, else the local bases
///       unreachable_index_hosts: [download.pytorch.org]
public struct Scenario: Sendable {
    public enum Status: String, Sendable { case resolved, conflict, error }

    public let name: String
    public let folder: URL
    public let status: Status
    public let choices: [(variable: String, value: String)]
    public let absent: [String]
    public let core: [String]
    public let correction: String?
    public let error: String?
    public let warnings: [String]
    public let drivers: [DottedVersion]
    public let gpus: [String]
    public let facts: BuildFacts?

    public static let file = "expect.yaml"
    static let keys = ["status", "choices", "absent", "core", "error", "drivers", "gpus", "correction", "warnings", "facts"]

    /// Reads `folder/expect.yaml`; `name` is how reports call it.
    public init(folder: URL, name: String) throws {
        let display = "\(name)/\(Self.file)"
        let doc = try YAMLFile.load(path: folder.appendingPathComponent(Self.file), display: display)
        let e = try doc.mapping("expect.yaml", allowed: Self.keys)
        guard let statusNode = e["status"] else { throw doc.fail("expect.yaml needs a status: resolved, conflict or error") }
        let text = try statusNode.string("status")
        guard let status = Status(rawValue: text) else { throw statusNode.fail("status '\(text)' must be resolved, conflict or error") }
        self.name = name
        self.folder = folder
        self.status = status
        choices = try (e["choices"]?.entries("choices") ?? []).map { ($0.key, try $0.value.versionText($0.key)) }
        absent = try e["absent"]?.strings("absent") ?? []
        core = try e["core"]?.strings("core") ?? []
        correction = try e["correction"]?.string("correction")
        error = try e["error"]?.string("error")
        warnings = try e["warnings"]?.strings("warnings") ?? []
        drivers = try (e["drivers"]?.sequence("drivers") ?? []).map { node in
            let t = try node.versionText("drivers")
            guard let d = DottedVersion(t) else { throw node.fail("driver '\(t)' is not a version such as 535.54") }
            return d
        }
        gpus = try e["gpus"]?.strings("gpus") ?? []
        facts = try e["facts"].map { try Self.facts($0, display: display) }
    }

    static func facts(_ v: YAMLValue, display: String) throws -> BuildFacts {
        let m = try v.mapping("facts", allowed: ["registry", "local_bases", "usable_images", "unreachable_index_hosts"])
        let bases = try (m["local_bases"]?.sequence("facts.local_bases") ?? []).map { b -> BuildFacts.LocalBase in
            let f = try b.mapping("a local base", allowed: ["reference", "os", "python", "size_mb"])
            guard let reference = try f["reference"]?.string("reference"), let os = try f["os"]?.string("os") else {
                throw b.fail("a local base needs a reference and an os")
            }
            return BuildFacts.LocalBase(reference: reference, os: os, python: try f["python"]?.versionText("python"),
                                        sizeMB: try f["size_mb"]?.int("size_mb") ?? 160, packages: "python3 python3-venv tini ca-certificates")
        }
        return BuildFacts(origin: "facts of \(display)", localBases: bases, usableImages: try m["usable_images"]?.strings("facts.usable_images"),
                          registry: try m["registry"]?.bool("facts.registry") ?? true,
                          unreachableIndexHosts: try m["unreachable_index_hosts"]?.strings("facts.unreachable_index_hosts") ?? [])
    }

    /// Every folder with an `expect.yaml` directly under each of `roots`, sorted by name.
    public static func all(under roots: [URL]) throws -> [Scenario] {
        var out: [Scenario] = []
        for root in roots {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
            for name in names where FileManager.default.fileExists(atPath: root.appendingPathComponent(name).appendingPathComponent(file).path) {
                out.append(try Scenario(folder: root.appendingPathComponent(name), name: name))
            }
        }
        return out
    }
}

import Foundation
import Rules

/// One entry of `rules/sources.yaml`: a group of rows of the data file, the kind of source they
/// are read from, and the packages, files and names they are read by. The readers know kinds of
/// source; which packages they read is data, so that a new framework's rows need no Swift.
public struct RefreshSource: Sendable {
    /// A companion package of a variant table and the column that names its release.
    public struct Column: Sendable, Equatable {
        public let package: String
        public let column: String
    }

    public enum Reader: Sendable {
        /// A Cog table of releases and CUDA variants, with the companions built for each.
        case variantTable(table: String, olderTable: String?, lead: Column, companions: [Column])
        /// A Cog table of minor releases and their CUDA and cuDNN.
        case minorTable(table: String, lead: Column)
        /// Each release of `package` pins one release of `pins` in its wheel metadata.
        case indexPins(package: String, pins: String)
        /// A pure package whose compiled part is `compiled`, with `cudaN` extras that bring plugins.
        case indexExtras(package: String, compiled: String, first: PEP440Version, defaultCUDA: [Int: String])
        /// A pure package whose releases run on the Pythons their requires-python admits.
        case requiresPython(package: String, first: PEP440Version)
    }

    public let id: String
    public let reader: Reader
    /// Lines of the data file's sources block (key, text), for readers that do not write their own.
    public let notes: [(String, String)]
    public let source: Provenance

    public static let file = "rules/sources.yaml"

    /// Reads `rules/sources.yaml` below `root` (the cogpack data folder).
    public static func load(root: URL) throws -> [RefreshSource] {
        try parse(try YAMLFile.load(path: root.appendingPathComponent(file), display: file))
    }

    static let readers = ["cog-variant-table", "cog-minor-table", "index-pins", "index-extras", "index-requires-python"]

    static func parse(_ doc: YAMLValue) throws -> [RefreshSource] {
        let top = try doc.mapping("the sources file", allowed: ["sources"])
        guard let list = top["sources"] else { throw doc.fail("missing 'sources'") }
        var ids = Set<String>()
        return try list.sequence("sources").map { entry in
            let m = try entry.mapping("a source", allowed: ["id", "reader", "table", "older_table", "package", "column", "companions",
                                                            "pins", "compiled", "first", "default_cuda", "notes"])
            func need(_ key: String) throws -> YAMLValue {
                guard let v = m[key] else { throw entry.fail("this source needs '\(key)'") }
                return v
            }
            func name(_ key: String) throws -> String { PackageName.normalize(try need(key).string(key)) }
            func version(_ key: String) throws -> PEP440Version {
                let v = try need(key)
                let text = try v.versionText(key)
                guard let p = PEP440Version(text) else { throw v.fail("\(key) '\(text)' is not a PEP 440 version") }
                return p
            }
            let id = try need("id").string("id")
            guard ids.insert(id).inserted else { throw entry.fail("source id '\(id)' appears twice; keep one") }
            let kind = try need("reader").string("reader")
            let reader: Reader
            switch kind {
            case "cog-variant-table":
                let companions = try need("companions").entries("companions").map {
                    Column(package: PackageName.normalize($0.key), column: try $0.value.string("companions.\($0.key)"))
                }
                reader = .variantTable(table: try need("table").string("table"), olderTable: try m["older_table"]?.string("older_table"),
                                       lead: Column(package: try name("package"), column: try need("column").string("column")),
                                       companions: companions)
            case "cog-minor-table":
                reader = .minorTable(table: try need("table").string("table"),
                                     lead: Column(package: try name("package"), column: try need("column").string("column")))
            case "index-pins":
                reader = .indexPins(package: try name("package"), pins: try name("pins"))
            case "index-extras":
                var defaults: [Int: String] = [:]
                for e in try need("default_cuda").entries("default_cuda") {
                    let cuda = try e.value.versionText("default_cuda.\(e.key)")
                    guard let major = Int(e.key), let d = DottedVersion(cuda), d.major == major else {
                        throw InputError(e.keyProvenance, "default_cuda maps a CUDA major to one of its releases, such as \"12\": \"12.1\"")
                    }
                    defaults[major] = cuda
                }
                reader = .indexExtras(package: try name("package"), compiled: try name("compiled"), first: try version("first"),
                                      defaultCUDA: defaults)
            case "index-requires-python":
                reader = .requiresPython(package: try name("package"), first: try version("first"))
            default:
                throw try need("reader").fail("unknown reader '\(kind)'; the readers are \(readers.joined(separator: ", "))")
            }
            let notes = try (m["notes"]?.entries("notes") ?? []).map { ($0.key, try $0.value.string("notes.\($0.key)")) }
            return RefreshSource(id: id, reader: reader, notes: notes, source: entry.provenance)
        }
    }
}

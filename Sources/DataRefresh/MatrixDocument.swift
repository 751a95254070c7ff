import Foundation

/// The data file as written (format 2): sections of one-line rows, so that every row has a line
/// number a resolver explanation can point to, and a refresh shows up as a readable diff. Every
/// package's releases are rows of one shape; the readers of each source (Cog's tables, the JAX
/// index reader, the pins read from wheel metadata) produce them, and nothing here knows a
/// framework by name.
struct MatrixDocument {
    /// One release (one variant of it) of a package. Keys are written in one order, absent ones
    /// left out; a row with a variant always says its CUDA (null: the CPU variant) and `pypi`.
    struct Row: Equatable {
        var package: String
        var version: String
        var variant: String? = nil
        var cuda: String? = nil
        /// The wheels also run on later CUDA minors of the same major (NVIDIA's pip wheels from `cuda` on).
        var minorCompatible = false
        var cudnn: String? = nil
        var pypi: Bool = false
        /// Package → PEP 440 specifier (`torch` → `==2.3.1`), in the order written.
        var requires: [(String, String)] = []
        /// Nil: the source does not say.
        var pythons: [String]? = nil

        static func == (a: Row, b: Row) -> Bool {
            a.package == b.package && a.version == b.version && a.variant == b.variant && a.cuda == b.cuda && a.minorCompatible == b.minorCompatible
                && a.cudnn == b.cudnn && a.pypi == b.pypi && a.pythons == b.pythons
                && a.requires.map(\.0) == b.requires.map(\.0) && a.requires.map(\.1) == b.requires.map(\.1)
        }
    }
    /// A release the package index has (`IndexReleases`); nil pythons: any.
    struct Release: Equatable { let package: String; let version: String; let pythons: [String]? }
    struct Image { let image: String; let cuda: String; let cudnn: String?; let os: String; let flavor: String }
    struct Toolkit { let cuda: String; let driver: String; let checked: Bool }
    struct Compat { let major: Int; let driver: String }
    struct Capability { let arch: String; let gpus: String; let requires: [(String, String)]; let cudaMin: String; let checked: Bool }

    /// Files of the repository the rows were made with, and their SHA-256: `rules lint` says the
    /// data is older than its sources when one has changed since.
    var inputs: [(String, String)] = []
    /// Where each group of rows comes from, as `"key": "text"` lines of the sources block.
    var packageSources: [(String, String)] = []
    var packages: [Row] = []
    /// The index the releases were read from, and its releases of every tabled package.
    var index: String? = nil
    var releases: [Release] = []
    var images: [Image] = []
    var toolkitDrivers: [Toolkit] = []
    var compatDrivers: [Compat] = []
    var capabilities: [Capability] = []

    static let otherSources: [(String, String)] = [
        ("cuda_images", "Cog pkg/config/cuda_compatibility.json (nvidia/cuda tags)"),
        ("drivers", "gpu-facts.md: CUDA release notes and NVIDIA's CUDA Compatibility guide"),
        ("compute_capabilities", "gpu-facts.md: Cog pkg/doctor/gpu_compatibility.go and published arch lists"),
    ]

    /// Rows per package, in the order the packages first appear.
    var counts: [(package: String, rows: Int)] {
        var order: [String] = []
        var n: [String: Int] = [:]
        for r in packages {
            if n[r.package] == nil { order.append(r.package) }
            n[r.package, default: 0] += 1
        }
        return order.map { ($0, n[$0]!) }
    }

    func render() -> String {
        var pythons = Set<String>()
        for r in packages { pythons.formUnion(r.pythons ?? []) }
        let sortedPythons = pythons.sorted(by: versionOrder)

        var out = "{\n"
        out += "  \"format\": 2,\n"
        out += "  \"generated_by\": \"cogpack data refresh\",\n"
        out += "  \"sources\": {\n"
        out += (packageSources + Self.otherSources).map { "    \(q($0.0)): \(q($0.1))" }.joined(separator: ",\n")
        out += "\n  },\n"
        if !inputs.isEmpty {
            out += "  \"inputs\": {" + inputs.map { "\(q($0.0)): \(q($0.1))" }.joined(separator: ", ") + "},\n"
        }
        out += "  \"pythons\": [\(sortedPythons.map(q).joined(separator: ", "))],\n"
        out += section("packages", packages.map(Self.render))
        if let index {
            out += "  \"index\": \(q(index)),\n"
            out += section("index_releases", releases.map(Self.render))
        }
        out += section("cuda_images", images.map { r in
            "{\"image\": \(q(r.image)), \"cuda\": \(q(r.cuda)), \"cudnn\": \(r.cudnn.map(q) ?? "null"), \"os\": \(q(r.os)), \"flavor\": \(q(r.flavor))}"
        })
        out += section("toolkit_drivers", toolkitDrivers.map { r in
            "{\"cuda\": \(q(r.cuda)), \"driver\": \(q(r.driver)), \"checked\": \(r.checked)}"
        })
        out += section("compat_drivers", compatDrivers.map { r in
            "{\"cuda_major\": \(r.major), \"driver\": \(q(r.driver))}"
        })
        out += section("compute_capabilities", capabilities.map { r in
            "{\"arch\": \(q(r.arch)), \"gpus\": \(q(r.gpus)), \"requires\": \(object(r.requires)), \"cuda_min\": \(q(r.cudaMin)), \"checked\": \(r.checked)}"
        }, last: true)
        out += "}\n"
        return out
    }

    static func render(_ r: Row) -> String {
        var fields = ["\"package\": \(q(r.package))", "\"version\": \(q(r.version))"]
        if let v = r.variant { fields.append("\"variant\": \(q(v))") }
        if r.variant != nil || r.cuda != nil { fields.append("\"cuda\": \(r.cuda.map(q) ?? "null")") }
        if r.minorCompatible { fields.append("\"minor_compatible\": true") }
        if let c = r.cudnn { fields.append("\"cudnn\": \(q(c))") }
        if r.variant != nil || r.pypi { fields.append("\"pypi\": \(r.pypi)") }
        if !r.requires.isEmpty { fields.append("\"requires\": \(object(r.requires))") }
        if let p = r.pythons { fields.append("\"pythons\": \(list(p))") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func render(_ r: Release) -> String {
        "{\"package\": \(q(r.package)), \"version\": \(q(r.version)), \"pythons\": \(r.pythons.map(list) ?? "null")}"
    }

    private func section(_ name: String, _ rows: [String], last: Bool = false) -> String {
        var s = "  \(q(name)): [\n"
        s += rows.map { "    " + $0 }.joined(separator: ",\n")
        s += rows.isEmpty ? "  ]" : "\n  ]"
        return s + (last ? "\n" : ",\n")
    }
}

private func list(_ xs: [String]) -> String { "[" + xs.map(q).joined(separator: ", ") + "]" }

private func object(_ pairs: [(String, String)]) -> String {
    "{" + pairs.map { "\(q($0.0)): \(q($0.1))" }.joined(separator: ", ") + "}"
}

/// "3.9" before "3.10".
func versionOrder(_ a: String, _ b: String) -> Bool {
    a.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(b.split(separator: ".").compactMap { Int($0) })
}

/// A JSON string literal.
private func q(_ s: String) -> String {
    let data = try! JSONEncoder().encode(s)
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
}

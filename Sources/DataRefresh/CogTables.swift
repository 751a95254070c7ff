import Foundation
import Rules

/// Cog's compatibility tables, read as they are published (see shared/reference/cog-data/SOURCES.md).
/// Which table holds which package, and the columns that name them, come from `rules/sources.yaml`.
enum CogTables {
    /// A row of a variant table: a release (with its variant label), the releases of its
    /// companions built for it, where its wheels are, and their CUDA (nil: the CPU build).
    struct VariantRow: Equatable {
        let release: String
        /// Companion package → its release in this row.
        let companions: [String: String]
        let findLinks: String?
        let extraIndexURL: String
        let cuda: String?

        /// A row with no variant label and no wheel index of its own (`1.8.0`, CUDA 10.2): the
        /// build the package index serves.
        var isPackageIndexBuild: Bool {
            PEP440Version(release)?.local.isEmpty == true && extraIndexURL.isEmpty && (findLinks ?? "").isEmpty
        }
    }

    /// A row of a minor table: one release of a minor, and that minor's CUDA and cuDNN.
    struct MinorRow: Equatable {
        let release: String
        let cuda: String
        let cudnn: String
    }

    struct CudaImageRow: Decodable {
        let Tag: String
        let CUDA: String
        let CuDNN: String?
        let IsDevel: Bool
        let Ubuntu: String
    }

    static let cudaImagesTable = "cuda_compatibility.json"

    static func read(_ name: String, in directory: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
            throw PackageIndex.Failure(description: "\(name): not found in the reference folder")
        }
        return data
    }

    /// The table's objects, each a mapping of its columns.
    static func objects(_ data: Data, table: String) throws -> [[String: Any]] {
        guard let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw PackageIndex.Failure(description: "\(table): not a list of rows")
        }
        return rows
    }

    /// The rows of a variant table, and of its older version for the releases it no longer lists.
    static func variantRows(in directory: URL, table: String, olderTable: String?, lead: RefreshSource.Column,
                            companions: [RefreshSource.Column]) throws -> [VariantRow] {
        let current = try variantRows(try read(table, in: directory), table: table, lead: lead, companions: companions)
        var older: [VariantRow] = []
        if let olderTable, FileManager.default.fileExists(atPath: directory.appendingPathComponent(olderTable).path) {
            older = try variantRows(try read(olderTable, in: directory), table: olderTable, lead: lead, companions: companions)
        }
        return merge(current: current, older: older)
    }

    static func variantRows(_ data: Data, table: String, lead: RefreshSource.Column, companions: [RefreshSource.Column]) throws -> [VariantRow] {
        try objects(data, table: table).map { o in
            guard let release = o[lead.column] as? String else {
                throw PackageIndex.Failure(description: "\(table): a row without its '\(lead.column)' column")
            }
            var paired: [String: String] = [:]
            for c in companions { paired[c.package] = o[c.column] as? String ?? "" }
            return VariantRow(release: release, companions: paired, findLinks: o["FindLinks"] as? String,
                              extraIndexURL: o["ExtraIndexURL"] as? String ?? "", cuda: o["CUDA"] as? String)
        }
    }

    static func minorRows(in directory: URL, table: String, lead: RefreshSource.Column) throws -> [MinorRow] {
        try minorRows(try read(table, in: directory), table: table, lead: lead)
    }

    static func minorRows(_ data: Data, table: String, lead: RefreshSource.Column) throws -> [MinorRow] {
        try objects(data, table: table).map { o in
            guard let release = o[lead.column] as? String, let cuda = o["CUDA"] as? String, let cudnn = o["CuDNN"] as? String else {
                throw PackageIndex.Failure(description: "\(table): a row without '\(lead.column)', 'CUDA' or 'CuDNN'")
            }
            return MinorRow(release: release, cuda: cuda, cudnn: cudnn)
        }
    }

    static func cudaImages(in directory: URL) throws -> [CudaImageRow] {
        try JSONDecoder().decode([CudaImageRow].self, from: try read(cudaImagesTable, in: directory))
    }

    static func images(_ rows: [CudaImageRow]) -> [MatrixDocument.Image] {
        rows.map {
            .init(image: "nvidia/cuda:\($0.Tag)", cuda: $0.CUDA, cudnn: $0.CuDNN, os: "ubuntu\($0.Ubuntu)",
                  flavor: $0.IsDevel ? "devel" : "runtime")
        }
    }

    /// The current table's rows, then the older table's rows of releases the current one lacks:
    /// the current table is the newer word on every release it lists.
    static func merge(current: [VariantRow], older: [VariantRow]) -> [VariantRow] {
        let listed = Set(current.compactMap { PEP440Version($0.release)?.public_ })
        return current + older.filter { PEP440Version($0.release).map { !listed.contains($0.public_) } ?? false }
    }
}

/// The rows of a variant table's package (its CUDA variants) and of its companions (the release of
/// the lead package each is built for). The package index adds what the table leaves out: each
/// release's Pythons, and the CUDA of the default wheel (the variant the package index serves).
struct VariantTableRows {
    let rows: [CogTables.VariantRow]
    let lead: String
    let companions: [String]
    let index: any PackageSource
    let log: @Sendable (String) -> Void

    func rows() async throws -> [MatrixDocument.Row] {
        log("reading the package index for \(([lead] + companions).joined(separator: ", "))")
        var files: [String: [PackageIndex.File]] = [:]
        for package in [lead] + companions { files[package] = try await index.files(of: package) }
        var out = try await leadRows(files: files[lead]!)
        for c in companions { out += try companionRows(c, files: files[c]!) }
        return out
    }

    private func leadRows(files: [PackageIndex.File]) async throws -> [MatrixDocument.Row] {
        var byVersion: [PEP440Version: [CogTables.VariantRow]] = [:]
        for row in rows {
            guard let v = PEP440Version(row.release) else { throw PackageIndex.Failure(description: "\(lead) table: bad version \(row.release)") }
            byVersion[v.public_, default: []].append(row)
        }
        let versions = byVersion.keys.sorted()
        log("\(lead): \(versions.count) releases; reading default-wheel metadata")
        let index = self.index
        let defaults = try await withThrowingTaskGroup(of: (PEP440Version, DottedVersion?).self) { group in
            for v in versions {
                group.addTask {
                    guard let meta = try await index.metadata(files, version: v) else { return (v, nil) }
                    return (v, Self.defaultCUDA(metadata: meta))
                }
            }
            var out: [PEP440Version: DottedVersion] = [:]
            for try await (v, c) in group { if let c { out[v] = c } }
            return out
        }

        var out: [MatrixDocument.Row] = []
        for v in versions {
            let py = index.pythons(of: files, version: v)
            guard !py.isEmpty else {
                throw PackageIndex.Failure(description: "\(lead) \(v): no Linux x86_64 wheels on the package index")
            }
            // The wheel's metadata names its CUDA runtime (torch from 1.13 on); before, the table's
            // row without a variant index says which CUDA the package index's build has.
            let tableDefault = byVersion[v]!.first(where: \.isPackageIndexBuild)?.cuda.flatMap(DottedVersion.init)?.truncated(to: 2)
            if let d = defaults[v], let t = tableDefault, d != t {
                log("warning: \(lead) \(v): the wheel metadata names CUDA \(d.text), the table \(t.text); the metadata is kept")
            }
            let pypiCUDA = defaults[v] ?? tableDefault
            if pypiCUDA == nil { log("warning: \(lead) \(v): neither its wheel metadata nor the table names the default wheel's CUDA; no variant is marked as the package index's") }
            var cudas = byVersion[v]!.map { $0.cuda.flatMap(DottedVersion.init)?.truncated(to: 2) }
            if let d = pypiCUDA, !cudas.contains(d) { cudas.append(d) }
            let none = DottedVersion(parts: [0])
            for cuda in Set(cudas).sorted(by: { ($0 ?? none) < ($1 ?? none) }) {
                out.append(.init(package: lead, version: v.description, variant: cuda.map { "cu\($0.major)\($0.minor)" } ?? "cpu",
                                 cuda: cuda?.text, pypi: cuda != nil && cuda == pypiCUDA, pythons: py.map(\.text)))
            }
        }
        let tabled = Set(versions)
        let untabled = index.releases(files).filter { !tabled.contains($0) }
        if !untabled.isEmpty {
            log("\(lead): on the package index but in no Cog table, so without rows (their CUDA variants are unknown): \(untabled.map(\.description).joined(separator: ", "))")
        }
        return out
    }

    /// The CUDA the default wheel's runtime requirement pins: `nvidia-cuda-runtime-cu12==12.1.105`,
    /// or (torch from 2.11) `cuda-toolkit[cudart,...]==13.0.2` → 13.0.
    static func defaultCUDA(metadata: String) -> DottedVersion? {
        let runtime = Requirement.all(metadata).first {
            $0.extra == nil && ($0.name.hasPrefix("nvidia-cuda-runtime") || ($0.name == "cuda-toolkit" && $0.extras.contains("cudart")))
        }
        guard let pin = runtime?.versions.exactPin else { return nil }
        return DottedVersion(pin.release.map(String.init).joined(separator: "."))?.truncated(to: 2)
    }

    private func companionRows(_ package: String, files: [PackageIndex.File]) throws -> [MatrixDocument.Row] {
        var pairs: [PEP440Version: PEP440Version] = [:]
        for row in rows {
            guard let c = row.companions[package].flatMap(PEP440Version.init)?.public_, let t = PEP440Version(row.release)?.public_ else { continue }
            if let existing = pairs[c], existing != t {
                throw PackageIndex.Failure(description: "\(package) \(c) is paired with both \(lead) \(existing) and \(t)")
            }
            pairs[c] = t
        }
        var out: [MatrixDocument.Row] = []
        for (c, t) in pairs.sorted(by: { $0.key < $1.key }) {
            let py = index.pythons(of: files, version: c)
            guard !py.isEmpty else {
                log("warning: \(package) \(c) has no Linux x86_64 wheels on the index; left out")
                continue
            }
            out.append(.init(package: package, version: c.description, requires: [(lead, "==\(t)")], pythons: py.map(\.text)))
        }
        return out
    }
}

/// The rows of a minor table's package: every final release on the package index of a minor the
/// table lists, with that minor's CUDA and cuDNN. The table lists one release a minor (2.16.1,
/// 2.11.0), and patch releases keep their minor's build toolchain.
struct MinorTableRows {
    let rows: [CogTables.MinorRow]
    let package: String
    let index: any PackageSource
    let log: @Sendable (String) -> Void

    func rows() async throws -> [MatrixDocument.Row] {
        log("reading the package index for \(package)")
        let files = try await index.files(of: package)
        var byMinor: [[Int]: (PEP440Version, CogTables.MinorRow)] = [:]
        for row in rows {
            guard let v = PEP440Version(row.release), DottedVersion(row.cuda) != nil, DottedVersion(row.cudnn) != nil else {
                log("warning: \(package) table: unreadable row \(row.release); left out")
                continue
            }
            let minor = Array(v.release.prefix(2))
            if let seen = byMinor[minor], seen.1.cuda != row.cuda || seen.1.cudnn != row.cudnn {
                log("warning: \(package) table: \(seen.0) and \(v) differ in CUDA or cuDNN; \(max(seen.0, v)) is kept for the minor")
                if seen.0 > v { continue }
            }
            byMinor[minor] = (v, row)
        }
        var out: [MatrixDocument.Row] = []
        for v in index.releases(files) {
            guard let (_, row) = byMinor[Array(v.release.prefix(2))] else { continue }
            let py = index.pythons(of: files, version: v)
            guard !py.isEmpty else {
                log("warning: \(package) \(v) has no Linux x86_64 wheels; left out")
                continue
            }
            out.append(.init(package: package, version: v.description, cuda: DottedVersion(row.cuda)!.truncated(to: 2).text,
                             cudnn: DottedVersion(row.cudnn)!.text, pythons: py.map(\.text)))
        }
        for (minor, (v, _)) in byMinor where !out.contains(where: { $0.version == v.description }) {
            log("warning: \(package) \(v) (the table's \(minor.map(String.init).joined(separator: ".")) row) has no Linux x86_64 wheels on the index")
        }
        return out
    }
}

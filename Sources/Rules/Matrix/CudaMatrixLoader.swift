import Foundation

/// Reads `data/cuda-matrix.json`, through `JSONDocument`, which keeps the line every value starts
/// on; the generator writes one row per line, so that a row's line names it.
public enum CudaMatrixLoader {
    public static let formatVersion = 2

    public static func load(root: URL, relativePath: String = CudaMatrix.defaultPath, frameworks: [Framework]) throws -> CudaMatrix {
        let doc = try YAMLFile.load(path: root.appendingPathComponent(relativePath), display: relativePath)
        return try parse(doc, frameworks: frameworks)
    }

    /// `frameworks` give each row its wheel index (the template of the framework it belongs to).
    public static func parse(_ doc: YAMLValue, frameworks: [Framework]) throws -> CudaMatrix {
        let top = try doc.mapping("the CUDA matrix", allowed: [
            "format", "generated_by", "sources", "inputs", "pythons", "packages",
            "index", "index_releases", "cuda_images", "toolkit_drivers", "compat_drivers", "compute_capabilities",
        ])
        guard let format = top["format"] else { throw doc.fail("missing 'format'; regenerate the file with `cogpack data refresh`") }
        let f = try format.int("format")
        guard f == formatVersion else {
            throw format.fail("format \(f) is not the supported format \(formatVersion); regenerate with `cogpack data refresh`")
        }
        func section(_ key: String) throws -> [YAMLValue] {
            guard let v = top[key] else { throw doc.fail("missing section '\(key)'; regenerate with `cogpack data refresh`") }
            return try v.sequence(key)
        }

        let pythons = try section("pythons").map { try dotted($0, "a python version") }

        var frameworkOf: [String: Framework] = [:]
        for f in frameworks { for p in f.packages { frameworkOf[p] = f } }
        // Hundreds of rows share a few (package, variant) pairs: each index is written once.
        var indexes: [String: [String: String?]] = [:]
        func index(_ package: String, _ variant: String?) -> String? {
            guard let variant, let framework = frameworkOf[package] else { return nil }
            if let known = indexes[package]?[variant] { return known }
            let made = framework.index(variant: variant)
            indexes[package, default: [:]][variant] = .some(made)
            return made
        }
        let packages = try section("packages").map { row -> PackageRow in
            let m = try row.mapping("a package row", allowed: ["package", "version", "variant", "cuda", "minor_compatible", "cudnn", "pythons",
                                                               "pypi", "requires", "brings_cuda_runtime"])
            let package = PackageName.normalize(try need(m, "package", row).string("package"))
            let variant = try m["variant"].flatMap { $0.kind == .null ? nil : try $0.string("variant") }
            var r = PackageRow(
                package: package,
                version: try pep440(need(m, "version", row), "version"),
                variant: variant,
                cuda: try m["cuda"].flatMap { $0.kind == .null ? nil : try dotted($0, "cuda") },
                minorCompatible: try m["minor_compatible"]?.bool("minor_compatible") ?? false,
                cudnn: try m["cudnn"].flatMap { $0.kind == .null ? nil : try dotted($0, "cudnn") },
                pythons: try m["pythons"].map { try $0.sequence("pythons").map { try dotted($0, "python") } },
                onPyPI: try m["pypi"]?.bool("pypi") ?? false,
                requires: try m["requires"].map(requirements) ?? [],
                index: index(package, variant),
                source: row.provenance)
            let framework = frameworkOf[package]
            r.bringsCUDARuntime = try m["brings_cuda_runtime"]?.bool("brings_cuda_runtime")
                ?? (framework?.lead == package && framework?.cudaRuntime?.contains(r.version) == true)
            return r
        }

        let images = try section("cuda_images").map { row -> CudaMatrix.CudaImage in
            let m = try row.mapping("a CUDA image row", allowed: ["image", "cuda", "cudnn", "os", "flavor"])
            let cudnn = try m["cudnn"].flatMap { $0.kind == .null ? nil : try dotted($0, "cudnn") }
            return CudaMatrix.CudaImage(
                image: try need(m, "image", row).string("image"),
                cuda: try dotted(need(m, "cuda", row), "cuda"),
                cudnn: cudnn,
                os: try need(m, "os", row).string("os"),
                flavor: try need(m, "flavor", row).string("flavor"),
                source: row.provenance)
        }

        let toolkit = try section("toolkit_drivers").map { row -> CudaMatrix.ToolkitDriver in
            let m = try row.mapping("a toolkit driver row", allowed: ["cuda", "driver", "checked"])
            return CudaMatrix.ToolkitDriver(
                cuda: try dotted(need(m, "cuda", row), "cuda"),
                driver: try dotted(need(m, "driver", row), "driver"),
                checked: try m["checked"]?.bool("checked") ?? true,
                source: row.provenance)
        }

        let compat = try section("compat_drivers").map { row -> CudaMatrix.CompatDriver in
            let m = try row.mapping("a compatibility driver row", allowed: ["cuda_major", "driver"])
            return CudaMatrix.CompatDriver(
                cudaMajor: try need(m, "cuda_major", row).int("cuda_major"),
                driver: try dotted(need(m, "driver", row), "driver"),
                source: row.provenance)
        }

        let cc = try section("compute_capabilities").map { row -> CudaMatrix.ComputeCapability in
            let m = try row.mapping("a compute capability row", allowed: ["arch", "gpus", "requires", "cuda_min", "checked"])
            return CudaMatrix.ComputeCapability(
                arch: try need(m, "arch", row).string("arch"),
                gpus: try need(m, "gpus", row).string("gpus"),
                requires: try m["requires"].map(requirements) ?? [],
                cudaMin: try dotted(need(m, "cuda_min", row), "cuda_min"),
                checked: try m["checked"]?.bool("checked") ?? true,
                source: row.provenance)
        }

        let inputs = try (top["inputs"]?.entries("inputs") ?? []).map { entry in
            (path: entry.key, digest: try entry.value.string("inputs.\(entry.key)"), source: entry.keyProvenance)
        }
        // Optional: data without them knows no more than which releases its rows name.
        let index = try top["index"].map { (url: try $0.string("index"), source: $0.provenance) }
        let released = try (top["index_releases"].map { try $0.sequence("index_releases") } ?? []).map { row -> IndexRelease in
            let m = try row.mapping("an index release row", allowed: ["package", "version", "pythons"])
            let pythons = try need(m, "pythons", row)
            return IndexRelease(
                package: PackageName.normalize(try need(m, "package", row).string("package")),
                version: try pep440(need(m, "version", row), "version"),
                pythons: pythons.kind == .null ? nil : try pythons.sequence("pythons").map { try dotted($0, "python") },
                source: row.provenance)
        }
        return CudaMatrix(file: doc.file, pythons: pythons, packages: packages, cudaImages: images, toolkitDrivers: toolkit,
                          compatDrivers: compat, computeCapabilities: cc,
                          inputs: inputs, index: index, indexReleases: released)
    }

    /// `{"torch": "==2.3.1"}`: package → PEP 440 specifier.
    private static func requirements(_ v: YAMLValue) throws -> [PackageRequirement] {
        try v.entries("requires").map { entry in
            let (name, spec) = (entry.key, entry.value)
            let text = try spec.string("requires.\(name)")
            guard let set = PEP440SpecifierSet(text), !set.isAny else {
                throw spec.fail("requires.\(name) '\(text)' is not a PEP 440 specifier such as \"==2.3.1\"")
            }
            return PackageRequirement(package: PackageName.normalize(name), versions: set)
        }
    }

    private static func need(_ m: [String: YAMLValue], _ key: String, _ row: YAMLValue) throws -> YAMLValue {
        guard let v = m[key] else { throw row.fail("row is missing '\(key)'") }
        return v
    }

    private static func dotted(_ v: YAMLValue, _ what: String) throws -> DottedVersion {
        let text = try v.versionText(what)
        guard let d = DottedVersion(text) else { throw v.fail("\(what) '\(text)' is not a dotted version") }
        return d
    }

    private static func pep440(_ v: YAMLValue, _ what: String) throws -> PEP440Version {
        let text = try v.versionText(what)
        guard let p = PEP440Version(text) else { throw v.fail("\(what) '\(text)' is not a PEP 440 version") }
        return p
    }
}

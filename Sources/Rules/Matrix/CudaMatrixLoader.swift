import Foundation

/// Reads `data/cuda-matrix.json`. JSON is read through the YAML composer so that every row keeps
/// the line it starts on; the generator writes one row per line for that reason.
public enum CudaMatrixLoader {
    public static let formatVersion = 1

    public static func load(root: URL, relativePath: String = CudaMatrix.defaultPath) throws -> CudaMatrix {
        let doc = try YAMLFile.load(path: root.appendingPathComponent(relativePath), display: relativePath)
        return try parse(doc)
    }

    public static func parse(_ doc: YAMLValue) throws -> CudaMatrix {
        let top = try doc.mapping("the CUDA matrix", allowed: [
            "format", "generated_by", "sources", "pythons", "torch", "torchvision", "torchaudio", "tensorflow",
            "cuda_images", "toolkit_drivers", "compat_drivers", "compute_capabilities", "torch_pins",
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

        let torch = try section("torch").map { row -> CudaMatrix.TorchRow in
            let m = try row.mapping("a torch row", allowed: ["torch", "variant", "cuda", "index", "pypi", "pythons"])
            let cuda = try m["cuda"].flatMap { $0.kind == .null ? nil : try dotted($0, "cuda") }
            return CudaMatrix.TorchRow(
                torch: try pep440(need(m, "torch", row), "torch"),
                variant: try need(m, "variant", row).string("variant"),
                cuda: cuda,
                index: try need(m, "index", row).string("index"),
                onPyPI: try m["pypi"]?.bool("pypi") ?? false,
                pythons: try need(m, "pythons", row).sequence("pythons").map { try dotted($0, "python") },
                source: row.provenance)
        }

        var companions: [CudaMatrix.CompanionRow] = []
        for package in ["torchvision", "torchaudio"] {
            for row in try section(package) {
                let m = try row.mapping("a \(package) row", allowed: [package, "torch", "pythons"])
                companions.append(CudaMatrix.CompanionRow(
                    package: package,
                    version: try pep440(need(m, package, row), package),
                    torch: try pep440(need(m, "torch", row), "torch"),
                    pythons: try need(m, "pythons", row).sequence("pythons").map { try dotted($0, "python") },
                    source: row.provenance))
            }
        }

        let tensorflow = try section("tensorflow").map { row -> CudaMatrix.TensorflowRow in
            let m = try row.mapping("a tensorflow row", allowed: ["tensorflow", "cuda", "cudnn", "pythons"])
            return CudaMatrix.TensorflowRow(
                tensorflow: try pep440(need(m, "tensorflow", row), "tensorflow"),
                cuda: try dotted(need(m, "cuda", row), "cuda"),
                cudnn: try dotted(need(m, "cudnn", row), "cudnn"),
                pythons: try need(m, "pythons", row).sequence("pythons").map { try dotted($0, "python") },
                source: row.provenance)
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
            let m = try row.mapping("a compute capability row", allowed: ["arch", "gpus", "torch_min", "cuda_min", "checked"])
            return CudaMatrix.ComputeCapability(
                arch: try need(m, "arch", row).string("arch"),
                gpus: try need(m, "gpus", row).string("gpus"),
                torchMin: try pep440(need(m, "torch_min", row), "torch_min"),
                cudaMin: try dotted(need(m, "cuda_min", row), "cuda_min"),
                checked: try m["checked"]?.bool("checked") ?? true,
                source: row.provenance)
        }

        let pins = try section("torch_pins").map { row -> CudaMatrix.TorchPin in
            let m = try row.mapping("a torch pin row", allowed: ["package", "version", "torch"])
            return CudaMatrix.TorchPin(
                package: try need(m, "package", row).string("package"),
                version: try pep440(need(m, "version", row), "version"),
                torch: try pep440(need(m, "torch", row), "torch"),
                source: row.provenance)
        }

        return CudaMatrix(file: doc.file, pythons: pythons, torch: torch, companions: companions,
                          tensorflow: tensorflow, cudaImages: images, toolkitDrivers: toolkit,
                          compatDrivers: compat, computeCapabilities: cc, torchPins: pins)
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

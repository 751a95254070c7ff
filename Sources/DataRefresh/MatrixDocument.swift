import Foundation

/// The data file as written: sections of one-line rows, so that every row has a line number a
/// resolver explanation can point to, and a refresh shows up as a readable diff.
struct MatrixDocument {
    struct Torch { let torch: String; let variant: String; let cuda: String?; let index: String; let pypi: Bool; let pythons: [String] }
    struct Companion { let package: String; let version: String; let torch: String; let pythons: [String] }
    struct Tensorflow { let version: String; let cuda: String; let cudnn: String; let pythons: [String] }
    struct Image { let image: String; let cuda: String; let cudnn: String?; let os: String; let flavor: String }
    struct Toolkit { let cuda: String; let driver: String; let checked: Bool }
    struct Compat { let major: Int; let driver: String }
    struct Capability { let arch: String; let gpus: String; let torchMin: String; let cudaMin: String; let checked: Bool }
    struct Pin { let package: String; let version: String; let torch: String }

    var torch: [Torch] = []
    var companions: [Companion] = []
    var tensorflow: [Tensorflow] = []
    var images: [Image] = []
    var toolkitDrivers: [Toolkit] = []
    var compatDrivers: [Compat] = []
    var capabilities: [Capability] = []
    var pins: [Pin] = []

    func render() -> String {
        var pythons = Set<String>()
        for r in torch { pythons.formUnion(r.pythons) }
        for r in companions { pythons.formUnion(r.pythons) }
        for r in tensorflow { pythons.formUnion(r.pythons) }
        let sortedPythons = pythons.sorted { a, b in
            a.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(b.split(separator: ".").compactMap { Int($0) })
        }

        var out = "{\n"
        out += "  \"format\": 1,\n"
        out += "  \"generated_by\": \"cogpack data refresh\",\n"
        out += "  \"sources\": {\n"
        out += "    \"torch\": \"pairings and CUDA variants: Cog pkg/config/torch_compatibility.json; pythons and the default wheel's CUDA: the package index (PEP 691 file lists, PEP 658 metadata)\",\n"
        out += "    \"tensorflow\": \"CUDA and cuDNN: Cog pkg/config/tf_compatibility.json; pythons: the package index\",\n"
        out += "    \"cuda_images\": \"Cog pkg/config/cuda_compatibility.json (nvidia/cuda tags)\",\n"
        out += "    \"drivers\": \"gpu-facts.md: CUDA release notes and NVIDIA's CUDA Compatibility guide\",\n"
        out += "    \"compute_capabilities\": \"gpu-facts.md: Cog pkg/doctor/gpu_compatibility.go and published arch lists\",\n"
        out += "    \"torch_pins\": \"Requires-Dist torch==X of each release's wheel metadata on the package index\"\n"
        out += "  },\n"
        out += "  \"pythons\": [\(sortedPythons.map(q).joined(separator: ", "))],\n"
        out += section("torch", torch.map { r in
            "{\"torch\": \(q(r.torch)), \"variant\": \(q(r.variant)), \"cuda\": \(r.cuda.map(q) ?? "null"), \"index\": \(q(r.index)), \"pypi\": \(r.pypi), \"pythons\": \(list(r.pythons))}"
        })
        for package in ["torchvision", "torchaudio"] {
            out += section(package, companions.filter { $0.package == package }.map { r in
                "{\(q(package)): \(q(r.version)), \"torch\": \(q(r.torch)), \"pythons\": \(list(r.pythons))}"
            })
        }
        out += section("tensorflow", tensorflow.map { r in
            "{\"tensorflow\": \(q(r.version)), \"cuda\": \(q(r.cuda)), \"cudnn\": \(q(r.cudnn)), \"pythons\": \(list(r.pythons))}"
        })
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
            "{\"arch\": \(q(r.arch)), \"gpus\": \(q(r.gpus)), \"torch_min\": \(q(r.torchMin)), \"cuda_min\": \(q(r.cudaMin)), \"checked\": \(r.checked)}"
        })
        out += section("torch_pins", pins.map { r in
            "{\"package\": \(q(r.package)), \"version\": \(q(r.version)), \"torch\": \(q(r.torch))}"
        }, last: true)
        out += "}\n"
        return out
    }

    private func section(_ name: String, _ rows: [String], last: Bool = false) -> String {
        var s = "  \(q(name)): [\n"
        s += rows.map { "    " + $0 }.joined(separator: ",\n")
        s += rows.isEmpty ? "  ]" : "\n  ]"
        return s + (last ? "\n" : ",\n")
    }

    private func list(_ xs: [String]) -> String { "[" + xs.map(q).joined(separator: ", ") + "]" }
}

/// A JSON string literal.
private func q(_ s: String) -> String {
    let data = try! JSONEncoder().encode(s)
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
}

import Rules

/// torch (with torchvision and torchaudio) or TensorFlow at the resolved versions, from the
/// resolved wheel index, in a stage of their own: editing other requirements never reinstalls them.
struct FrameworkBlock: Block {
    let name = "framework"
    static let packages = ["torch", "torchvision", "torchaudio", "tensorflow"]

    func detect(_ input: BlockInput) -> Bool { true }

    /// `torch==2.3.1`, … for every framework package the resolution chose.
    static func pins(_ resolved: Resolved) -> [String] {
        packages.compactMap { p in resolved.value(p).map { "\(p)==\($0)" } }
    }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        var specs: [String] = []
        var indexArgs: [String] = []
        var why: [String] = []
        if let torch = resolved.value("torch") {
            specs += ["torch", "torchvision", "torchaudio"].compactMap { p in resolved.value(p).map { "\(p)==\($0)" } }
            let details = resolved.details("torch")
            if details["on_pypi"] != "true", let index = details["index"] {
                // uv's default strategy (the first index that has the package) is the right one
                // here, unlike in the requirements step: the resolver chose this variant's index,
                // and uv searches an extra index before the package index.
                indexArgs = ["--extra-index-url", index]
            }
            why.append("torch \(torch) \(details["variant"] ?? "")")
        }
        if let tf = resolved.value("tensorflow") {
            // From 2.15 on, TensorFlow's GPU libraries come as the and-cuda extra's wheels.
            let withCUDA = resolved.gpu && (PEP440Version(tf).map { $0 >= PEP440Version("2.15")! } ?? false)
            specs.append(withCUDA ? "tensorflow[and-cuda]==\(tf)" : "tensorflow==\(tf)")
            why.append("tensorflow \(tf)")
        }
        guard !specs.isEmpty else { return }
        let argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python"] + indexArgs + specs
        try composer.addStage("framework", phase: .frameworkDeps, block: name, name: "framework: " + why.joined(separator: ", "),
                              operations: [.exec(.init(argv, label: "uv pip install " + specs.joined(separator: " "),
                                                       env: Layout.uvEnv, mounts: [Layout.uvMount, Layout.uvCache, .caBundle(target: Layout.caBundle), Layout.wheelhouse],
                                                       network: true))],
                              provides: Self.packages.filter { resolved.value($0) != nil })
    }
}

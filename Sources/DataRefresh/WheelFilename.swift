import Rules

/// The parts of a wheel's file name that matter here: `torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl`.
struct WheelFilename: Equatable {
    let project: String
    let version: PEP440Version
    /// CPython versions the wheel runs on, from its python tag (`cp311` → 3.11); empty for
    /// `py3` or abi3-only tags, which say nothing about one version.
    let cpythons: [DottedVersion]
    let freeThreaded: Bool
    /// The stable ABI: the wheel also runs on every later CPython.
    let abi3: Bool
    let platforms: [String]

    init?(_ name: String) {
        guard name.hasSuffix(".whl") else { return nil }
        let parts = name.dropLast(4).split(separator: "-").map(String.init)
        guard parts.count == 5 || parts.count == 6, let v = PEP440Version(parts[1]) else { return nil }
        project = parts[0]
        version = v
        let pythonTag = parts[parts.count - 3]
        let abiTag = parts[parts.count - 2]
        platforms = parts[parts.count - 1].split(separator: ".").map(String.init)
        freeThreaded = abiTag.hasSuffix("t")
        abi3 = abiTag.split(separator: ".").contains("abi3")
        cpythons = pythonTag.split(separator: ".").compactMap { tag -> DottedVersion? in
            guard tag.hasPrefix("cp"), tag.count >= 4 else { return nil }
            let digits = tag.dropFirst(2)
            guard digits.allSatisfy(\.isNumber), let major = Int(String(digits.prefix(1))),
                  let minor = Int(String(digits.dropFirst())) else { return nil }
            return DottedVersion(parts: [major, minor])
        }
    }

    /// Built for Linux on x86_64 (manylinux or a plain linux tag), the only platform cogpack targets.
    var isLinuxX86_64: Bool {
        platforms.contains { $0.hasSuffix("x86_64") && ($0.hasPrefix("manylinux") || $0.hasPrefix("linux")) }
    }
}

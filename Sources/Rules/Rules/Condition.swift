/// The `when:` of a rule: every key given must hold.
public struct Condition: Sendable {
    /// A requirement names this package (normalized name).
    public var package: String?
    /// …at a version in this set (when it is known).
    public var version: PEP440SpecifierSet?
    public var gpu: Bool?
    public var cudaPinned: Bool?
    /// None of these packages is requested.
    public var without: [String] = []
    public var baseSetsRequireCuda: Bool?
    /// A cog.yaml `run:` line calls this program (its name, without a folder).
    public var command: String?
    /// A cog.yaml `run:` line sets this environment variable (`TORCH_CUDA_ARCH_LIST=… pip …`,
    /// `export FORCE_CUDA=1`).
    public var runSets: String?
    /// A cog.yaml `run:` line has this word among a command's arguments (`--no-build-isolation`).
    public var runWord: String?
    /// cog.yaml sets this key (`concurrency.max`).
    public var configKey: String?

    public init() {}

    static let keys = ["package", "version", "gpu", "cuda_pinned", "without", "base_sets_require_cuda", "command", "run_sets", "run_word", "config_key"]

    static func parse(_ value: YAMLValue) throws -> Condition {
        let m = try value.mapping("when", allowed: keys)
        var c = Condition()
        if let p = m["package"] { c.package = PackageName.normalize(try p.string("when.package")) }
        if let v = m["version"] {
            let text = try v.string("when.version")
            guard let set = PEP440SpecifierSet(text) else { throw v.fail("when.version '\(text)' is not a PEP 440 specifier") }
            guard c.package != nil else { throw v.fail("when.version needs when.package") }
            c.version = set
        }
        c.gpu = try m["gpu"]?.bool("when.gpu")
        c.cudaPinned = try m["cuda_pinned"]?.bool("when.cuda_pinned")
        c.without = try m["without"]?.strings("when.without").map(PackageName.normalize) ?? []
        c.baseSetsRequireCuda = try m["base_sets_require_cuda"]?.bool("when.base_sets_require_cuda")
        if let cmd = m["command"] {
            let name = try cmd.string("when.command")
            guard !name.isEmpty, !name.contains("/"), LineText.firstControl(in: name) == nil, !name.contains(" ") else {
                throw cmd.fail("when.command '\(name)' must be a program name such as curl (no folder, no spaces)")
            }
            c.command = name
        }
        if let v = m["run_sets"] {
            let name = try v.string("when.run_sets")
            guard ShellWords.isVariableName(name) else {
                throw v.fail("when.run_sets '\(name)' must be an environment variable name such as TORCH_CUDA_ARCH_LIST")
            }
            c.runSets = name
        }
        if let w = m["run_word"] {
            let word = try w.string("when.run_word")
            guard !word.isEmpty, LineText.firstControl(in: word) == nil, !word.contains(" ") else {
                throw w.fail("when.run_word '\(word)' must be one word of a command line such as --no-build-isolation (no spaces)")
            }
            c.runWord = word
        }
        if let k = m["config_key"] {
            let key = try k.string("when.config_key")
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw k.fail("when.config_key '\(key)' must be a cog.yaml key path such as concurrency.max")
            }
            c.configKey = key
        }
        return c
    }
}

/// PEP 503 name normalization: case-folded, runs of `-`, `_`, `.` become one `-`.
public enum PackageName {
    public static func normalize(_ name: String) -> String {
        var out = ""
        var lastWasSeparator = false
        for ch in name.lowercased() {
            if ch == "-" || ch == "_" || ch == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(ch)
                lastWasSeparator = false
            }
        }
        return out
    }
}

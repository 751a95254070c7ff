import Foundation
import Rules

/// Reads cog.yaml, rejecting what Cog itself rejects, with the file and line of each problem.
/// Its keys are those of `rules/cog-yaml.yaml` (every release of Cog from 0.9 on); its Pythons
/// and CUDA versions those the tables know.
public enum CogConfigParser {
    static let deniedEnvironment = ["PATH", "LD_LIBRARY_PATH", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONUNBUFFERED",
                                    "LIBRARY_PATH", "HF_ENDPOINT", "HF_HUB_ENABLE_HF_TRANSFER"]
    static let deniedEnvironmentPrefixes = ["R8_", "REPLICATE_", "CUDA_", "NVIDIA_", "NV_", "PGET_", "KUBERNETES_"]
    /// More concurrent predictions than this is a typo, not a setting.
    static let concurrencyLimit = 1024

    public static func load(_ folder: ModelFolder, kb: KnowledgeBase, file: String = "cog.yaml") throws -> CogConfig {
        let at = Provenance(file: file, line: nil)
        guard let path = try folder.resolve(file, at: at, what: "the file"),
              let text = try folder.text(path, at: at, what: "the file") else {
            throw InputError(at, "not found; run cogpack in a Cog model folder (one with cog.yaml) or pass its path")
        }
        return try parse(try YAMLFile.parse(text, display: file), kb: kb)
    }

    public static func parse(_ doc: YAMLValue, kb: KnowledgeBase) throws -> CogConfig {
        var config = CogConfig(file: doc.file)
        let keys = CogConfigKeys(schema: kb.cogYAML)
        guard doc.kind == .mapping else { throw doc.fail("cog.yaml must be a mapping of keys to values, found \(doc.kind.rawValue)") }
        let top = try keys.section(doc, at: "", warnings: &config.warnings)
        if top["predict"] != nil, top["run"] != nil {
            throw top["run"]!.fail("only one of run or predict can be set; keep run (predict is its old name)")
        }
        if top["image"] != nil, top["model"] != nil {
            throw top["model"]!.fail("'model' and 'image' cannot both be set")
        }
        for key in ["predict", "run", "train"] {
            guard let v = top[key] else { continue }
            let ref = try v.line(key)
            guard ref.range(of: #"^[^:]+\.py:[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw v.fail("\(key) must look like \"predict.py:Predictor\" (a .py file and a class)")
            }
            let located = CogConfig.Located(value: ref, source: v.provenance)
            if key == "train" { config.train = located } else { config.predict = located }
        }
        if let v = top["image"] { config.image = .init(value: try v.line("image"), source: v.provenance) }
        if let c = top["concurrency"] {
            let m = try keys.section(c, at: "concurrency", warnings: &config.warnings)
            if let max = m["max"] {
                let range = 1...concurrencyLimit
                let wrong = max.fail("concurrency.max must be a whole number from 1 to \(concurrencyLimit) (how many predictions run at once), found \(max.scalarText.map(LineText.quoted) ?? max.kind.rawValue); write e.g. max: 4")
                guard let n = try? max.int("concurrency.max"), range.contains(n) else { throw wrong }
                config.concurrencyMax = .init(value: n, source: max.provenance)
            }
        }
        if let env = top["environment"] {
            var seen = Set<String>()
            for item in try items(env, "environment") {
                let text = try item.line("each environment entry")
                guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                    throw item.fail("environment entries must be KEY=VALUE, found '\(text)'")
                }
                let key = String(text[..<eq])
                // A POSIX name: `C D` or `PATH ` would be a different variable, or none, at run time.
                guard key.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                    throw item.fail("environment variable name \(LineText.quoted(key)) is not valid; use letters, digits and _ (not starting with a digit), e.g. HF_HOME=/src/.hf")
                }
                if deniedEnvironment.contains(key) || deniedEnvironmentPrefixes.contains(where: key.hasPrefix) {
                    throw item.fail("environment variable \(key) is reserved by the runtime; remove it")
                }
                guard seen.insert(key).inserted else { throw item.fail("environment variable \(key) is set twice") }
                config.environment.append(.init(value: text, source: item.provenance))
            }
        }
        if let w = top["weights"] {
            config.weights = try weights(w, keys: keys, warnings: &config.warnings)
        }
        if let b = top["build"] {
            config.hasBuild = true
            try parseBuild(b, into: &config, keys: keys, kb: kb)
        }
        // In the order of the file, whichever section read them first.
        config.warnings = config.warnings.enumerated().sorted { a, b in
            (a.element.source.line ?? 0, a.offset) < (b.element.source.line ?? 0, b.offset)
        }.map(\.element)
        return config
    }

    private static func parseBuild(_ b: YAMLValue, into config: inout CogConfig, keys: CogConfigKeys, kb: KnowledgeBase) throws {
        // `build:` with nothing under it is an empty mapping, as `build: {}`: python_version is still required.
        let m = try keys.section(b, at: "build", warnings: &config.warnings)
        if let v = m["gpu"] { config.gpu = .init(value: try v.bool("build.gpu"), source: v.provenance) }
        guard let py = m["python_version"] else {
            throw b.fail("python_version is required; add it to the build section of cog.yaml, e.g. python_version: \"3.12\"")
        }
        let pyText = try py.versionText("build.python_version")
        guard let pv = DottedVersion(pyText), (2...3).contains(pv.parts.count) else {
            throw py.fail("python_version '\(pyText)' must be major.minor or major.minor.patch, e.g. \"3.12\"")
        }
        // A patch pin of a known minor passes here; whether a base has that patch is the resolver's.
        let known = kb.knownPythons
        guard known.contains(pv.truncated(to: 2)) else {
            throw py.fail("python_version \(LineText.quoted(pyText)) is not a Python cogpack knows; write one of \(known.map(\.text).joined(separator: ", ")) (the Pythons of \(kb.matrix.file) and \(kb.catalog.source.file)), e.g. \"\(known.last?.text ?? "3.12")\"")
        }
        config.pythonVersion = .init(value: pyText, source: py.provenance)
        if let r = m["python_requirements"] {
            config.pythonRequirements = .init(value: try r.line("build.python_requirements"), source: r.provenance)
        }
        if let p = m["python_packages"] {
            if config.pythonRequirements != nil {
                throw p.fail("only one of python_packages or python_requirements can be set, not both; move the packages into the requirements file")
            }
            config.pythonPackages = try items(p, "build.python_packages").map {
                .init(value: try $0.line("each python_packages entry"), source: $0.provenance)
            }
        }
        if let s = m["system_packages"] {
            config.systemPackages = .init(value: try systemPackages(s, warnings: &config.warnings), source: s.provenance)
        }
        for (key, keyPath) in [("run", \CogConfig.run), ("pre_install", \CogConfig.preInstall)] {
            guard let list = m[key] else { continue }
            config[keyPath: keyPath] = try items(list, "build.\(key)").map { try runCommand($0, keys: keys, warnings: &config.warnings) }
        }
        for key in ["cuda", "cudnn"] {
            guard let v = m[key] else { continue }
            let text = try v.versionText("build.\(key)")
            guard let d = DottedVersion(text) else { throw v.fail("\(key) '\(text)' must be a version such as \"12.1\"") }
            if key == "cuda" {
                // "11" would silently mean 11.0, which few models mean; Cog refuses it too.
                guard d.parts.count >= 2 else {
                    let minors = kb.matrix.cudaMinors.filter { $0.major == d.major }.map(\.text)
                    let known = minors.isEmpty ? "" : " (CUDA \(d.major) releases cogpack knows: \(minors.joined(separator: ", ")))"
                    throw v.fail("cuda \(LineText.quoted(text)) must be major.minor; write the minor too, e.g. \"\(minors.last ?? "11.8")\"\(known)")
                }
                guard d.major >= 11 else { throw v.fail("minimum supported CUDA version is 11; set cuda to 11.x or later, or remove it") }
                config.cuda = .init(value: text, source: v.provenance)
            } else {
                config.cudnn = .init(value: text, source: v.provenance)
            }
        }
        if let s = m["sdk_version"] {
            // It becomes `cog==VERSION` in constraints.txt and in an install's arguments.
            let text = try s.versionText("build.sdk_version")
            // Cog's sentinel: the newest release, pre-releases included (`uv pip install --pre cog`).
            if text == CogConfig.newestPrerelease {
                config.sdkPrerelease = s.provenance
                config.warnings.append(InputWarning(s.provenance, "sdk_version \"prerelease\" takes the newest cog SDK release, pre-releases included; pin one for reproducible production builds"))
            } else {
                guard PEP440Version(text) != nil else {
                    throw s.fail("sdk_version \(LineText.quoted(text)) is not a version; write the cog SDK version, e.g. \"0.16.8\", or \"prerelease\"")
                }
                config.sdkVersion = .init(value: text, source: s.provenance)
            }
        }
    }

    /// Debian package names (optionally `=VERSION`), one per entry. An entry with several names
    /// separated by spaces, which Cog accepts, is split with a warning; anything a shell would
    /// read (`;`, `$(…)`) is refused: the names are apt-get's arguments, never shell text.
    static func systemPackages(_ list: YAMLValue, warnings: inout [InputWarning]) throws -> [String] {
        var out: [String] = []
        for item in try items(list, "build.system_packages") {
            let text = try item.line("each system_packages entry")
            if let bad = text.first(where: { DebianPackage.shellCharacters.contains($0) }) {
                throw item.fail("system_packages entry \(LineText.quoted(text)) contains '\(bad)'; list Debian package names only (e.g. ffmpeg, libgl1=1.6.0-1) and put commands under build.run")
            }
            let names = text.split(separator: " ")
            guard !names.isEmpty else { throw item.fail("a system_packages entry is empty; remove it or write a package name such as ffmpeg") }
            for name in names where !DebianPackage.isValid(name) {
                throw item.fail("'\(name)' is not a Debian package name; write lowercase letters, digits, + - . (two or more, starting with a letter or digit), optionally =VERSION, e.g. libgl1 or ffmpeg=7:5.1.6-0+deb12u1")
            }
            if names.count > 1 {
                warnings.append(InputWarning(item.provenance, "system_packages entry \(LineText.quoted(text)) names \(names.count) packages; installing each (write one per entry: \(names.joined(separator: ", ")))"))
            }
            out += names.map(String.init)
        }
        return out
    }

    /// Cog's names of weights: OCI-safe tag segments.
    static let weightsName = #"^[a-z0-9]+([._-][a-z0-9]+)*$"#

    /// `weights:`, checked as Cog checks it: a name (unique, OCI-safe), one or more sources (a
    /// URI, a mapping, or a list of mappings; patterns without `!` or `\`), an absolute target
    /// other than `/`, disjoint from the other targets. Cog also requires `model:` (the
    /// repository `cog push` sends the weights to); cogpack does not push, so it does not.
    static func weights(_ list: YAMLValue, keys: CogConfigKeys, warnings: inout [InputWarning]) throws -> [CogConfig.Weights] {
        var out: [CogConfig.Weights] = []
        for item in try items(list, "weights") {
            let m = try keys.section(item, at: "weights[]", warnings: &warnings)
            guard let nameNode = m["name"] else { throw item.fail("a weights entry needs a name, e.g. name: base") }
            let name = try nameNode.line("weights name")
            guard name.range(of: weightsName, options: .regularExpression) != nil else {
                throw nameNode.fail("weights name \(LineText.quoted(name)) must be lowercase letters and digits, separated by - . or _ (e.g. my-model-weights)")
            }
            if let other = out.first(where: { $0.name == name }) {
                throw nameNode.fail("weights name \(LineText.quoted(name)) is used twice (first at line \(other.source.line ?? 0)); give each entry its own name")
            }
            guard let targetNode = m["target"] else { throw item.fail("weights \(name) needs a target, the absolute path its files land at, e.g. target: /src/weights") }
            let target = try targetNode.line("weights target")
            guard target.hasPrefix("/") else {
                throw targetNode.fail("weights target \(LineText.quoted(target)) must be an absolute path, e.g. /src/weights")
            }
            let clean = "/" + target.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            guard clean != "/", !target.split(separator: "/").contains("..") else {
                throw targetNode.fail("weights target \(LineText.quoted(target)) must be a folder below / (not / itself, without ..), e.g. /src/weights")
            }
            for other in out {
                let o = other.target
                if o == clean || clean.hasPrefix(o + "/") || o.hasPrefix(clean + "/") {
                    throw targetNode.fail("weights target \(clean) overlaps with \(o) (weights \(other.name)); weight targets must be disjoint")
                }
            }
            guard let sourceNode = m["source"], sourceNode.kind != .null else {
                throw item.fail("weights \(name) needs a source, e.g. source: {uri: ./weights}")
            }
            var sources: [CogConfig.Weights.Source] = []
            switch sourceNode.kind {
            case .sequence:
                for s in try sourceNode.sequence("weights source") {
                    // As Cog: a plain URI is a source of its own, never an item of a list.
                    guard s.kind == .mapping else { throw s.fail("each source in a list of weights sources is a mapping; write - uri: \(s.scalarText ?? "hf://org/repo")") }
                    sources.append(try weightsSource(s, at: "weights[].source[]", keys: keys, warnings: &warnings))
                }
            default:
                sources.append(try weightsSource(sourceNode, at: "weights[].source", keys: keys, warnings: &warnings))
            }
            guard !sources.isEmpty else { throw sourceNode.fail("weights \(name) needs a source, e.g. - uri: ./weights") }
            for s in sources where s.localPath == nil {
                warnings.append(InputWarning(s.source, "weights \(name): cogpack does not download \(LineText.quoted(s.uri)); its files are not in the image, and must be put at \(clean) when it runs (or download them into the model folder and write uri: ./folder)"))
            }
            out.append(.init(name: name, target: clean, sources: sources, source: item.provenance))
        }
        return out
    }

    /// A source: a URI (Cog until 0.19.2) or `{uri, include, exclude}`.
    private static func weightsSource(_ v: YAMLValue, at path: String, keys: CogConfigKeys, warnings: inout [InputWarning]) throws -> CogConfig.Weights.Source {
        guard v.kind == .mapping else {
            let uri = try v.line("weights source")
            guard !uri.isEmpty else { throw v.fail("a weights source URI is empty; write e.g. ./weights or hf://org/repo") }
            return .init(uri: uri, include: [], exclude: [], source: v.provenance)
        }
        let m = try keys.section(v, at: path, warnings: &warnings)
        guard let uriNode = m["uri"], let uri = try? uriNode.line("weights source uri"), !uri.isEmpty else {
            throw v.fail("a weights source needs a uri, e.g. uri: ./weights")
        }
        var patterns: [String: [String]] = [:]
        for key in ["include", "exclude"] {
            guard let list = m[key] else { continue }
            patterns[key] = try items(list, "weights source \(key)").map { node in
                let p = try node.line("a weights \(key) pattern").trimmingCharacters(in: .whitespaces)
                if p.isEmpty { throw node.fail("a weights \(key) pattern is empty; remove it") }
                if p.hasPrefix("!") { throw node.fail("weights \(key) pattern \(LineText.quoted(p)): negation patterns (starting with '!') are not supported; use exclude") }
                if p.contains("\\") { throw node.fail("weights \(key) pattern \(LineText.quoted(p)) must use forward slashes, not backslashes") }
                return p
            }
        }
        return .init(uri: uri, include: patterns["include"] ?? [], exclude: patterns["exclude"] ?? [], source: uriNode.provenance)
    }

    /// A list of cog.yaml; a key with no items (YAML null) is an empty list, as in Cog.
    static func items(_ v: YAMLValue, _ what: String) throws -> [YAMLValue] {
        v.kind == .null ? [] : try v.sequence(what)
    }

    private static func runCommand(_ v: YAMLValue, keys: CogConfigKeys, warnings: inout [InputWarning]) throws -> CogConfig.RunCommand {
        let command: String
        var mounts: [(String, String)] = []
        if v.kind == .mapping {
            let m = try keys.section(v, at: "build.run[]", warnings: &warnings)
            guard let c = m["command"] else { throw v.fail("a run entry needs a command") }
            command = try c.line("run.command", allowingTab: true)
            for mount in try m["mounts"].map({ try items($0, "run.mounts") }) ?? [] {
                let mm = try keys.section(mount, at: "build.run[].mounts[]", warnings: &warnings)
                guard try mm["type"]?.string("mount type") == "secret",
                      let id = try mm["id"]?.line("mount id"), let target = try mm["target"]?.line("mount target") else {
                    throw mount.fail("run mounts must be {type: secret, id: …, target: …}")
                }
                mounts.append((id, target))
            }
        } else {
            command = try v.string("a run entry")
        }
        if command.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw v.fail("one of the commands in 'run' contains a new line; split it into separate entries")
        }
        _ = try YAMLValue.checkLine(command, "a run command", allowingTab: true, at: v)
        return .init(command: command, secretMounts: mounts, source: v.provenance)
    }
}

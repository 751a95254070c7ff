import Crypto
import Foundation
import Rules

/// One line of the model that decides what a lock holds: a cog.yaml setting the resolver reads
/// (Python, GPU, CUDA, cuDNN, SDK) or a line of a requirements file (a requirement, a `-c` line,
/// an index option), by file and text. Positions are left out: a comment or a reordering does
/// not change what gets installed, so it does not make a lock stale; the line numbers are kept
/// only to name the line when its text changed.
public struct LockInput: Sendable, Hashable {
    public let file: String
    public let text: String
    /// Where the line is now (a project's input) or in the lock file (a parsed lock's); not part
    /// of equality.
    public var source: Provenance?

    public init(file: String, text: String, source: Provenance? = nil) {
        self.file = file
        self.text = text
        self.source = source
    }

    public static func == (a: LockInput, b: LockInput) -> Bool { a.file == b.file && a.text == b.text }
    public func hash(into h: inout Hasher) {
        h.combine(file)
        h.combine(text)
    }

    /// `FILE TEXT`, as the lock's `input=` lines hold it.
    public var recorded: String { "\(file) \(text)" }

    init(recorded: String, source: Provenance) throws(LockSyntaxError) {
        guard let space = recorded.firstIndex(of: " ") else {
            throw LockSyntaxError("expected input=FILE TEXT, found \(LineText.quoted(recorded))")
        }
        self.init(file: String(recorded[..<space]), text: String(recorded[recorded.index(after: space)...]), source: source)
    }

    /// The inputs of `project`, in the order of its files.
    public static func of(_ project: Project) -> [LockInput] {
        let c = project.config
        var out: [LockInput] = []
        func add(_ text: String, _ source: Provenance) { out.append(LockInput(file: source.file, text: text, source: source)) }
        if let g = c.gpu { add("gpu: \(g.value)", g.source) }
        if let p = c.pythonVersion { add("python_version: \"\(p.value)\"", p.source) }
        if let v = c.cuda { add("cuda: \"\(v.value)\"", v.source) }
        if let v = c.cudnn { add("cudnn: \"\(v.value)\"", v.source) }
        if let v = c.sdkVersion { add("sdk_version: \"\(v.value)\"", v.source) }
        if let at = c.sdkPrerelease { add("sdk_version: \"\(CogConfig.newestPrerelease)\"", at) }
        if let r = c.pythonRequirements { add("python_requirements: \"\(r.value)\"", r.source) }
        let reqs = project.requirements
        for o in reqs.options { add(o.text, o.source) }
        for r in reqs.requirements { add((r.editable ? "-e " : "") + GeneratedRequirements.line(r.text, hashes: r.hashes), r.source) }
        for r in reqs.constraints { add("-c " + GeneratedRequirements.line(r.text, hashes: r.hashes), r.source) }
        return out
    }

    /// `sha256:<hex>` of the inputs, in an order of their own (the files' order does not count).
    public static func digest(_ inputs: [LockInput]) -> String {
        let text = inputs.map { $0.recorded + "\n" }.sorted().joined()
        return "sha256:" + SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

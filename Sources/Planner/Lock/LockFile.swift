import Crypto
import Foundation
import Rules

/// `cogpack.lock`, next to cog.yaml: every package of the image's Python environment at its exact
/// version with the hashes of its files, and a header of `# cogpack-lock: key=value` lines: the
/// resolver's choices it was made for, the uv options it resolved with, and the model's lines it
/// was made from (with their digest), so that a stale lock can be told and the changed line named.
/// A pip-style requirements file (the header is comments); docs/lock.md describes it.
public struct LockFile: Sendable, Equatable {
    public static let fileName = "cogpack.lock"
    /// `1` when every package comes from an index (what every cogpack with locks reads); `2` when
    /// one comes from a URL, a VCS or a folder of the model, whose lines a release that reads only
    /// format 1 would misread, so it refuses the file by its format line instead.
    public static let formats = ["1", "2"]
    /// The image label that holds the digest of the lock it was installed from.
    public static let label = "dev.cogpack.lock"
    static let prefix = "# cogpack-lock: "

    /// uv's `--python-platform`: the wheels a lock keeps hashes of.
    public var platform: String
    /// The uv release that resolved it (rules/build-tools.yaml).
    public var uv: String
    public var choices: [LockChoice]
    /// uv's index options and flags, one option (with its value) an entry: `--extra-index-url URL`.
    public var options: [String]
    public var inputs: [LockInput]
    /// The model's `--find-links` folders and their archives when the lock was made
    /// (`find-links=PATH NAME sha256:…`, one archive a line): a changed, added or removed archive
    /// makes the lock stale at the folder's line.
    public var findLinks: [FindLinksFolder]
    /// Sorted by name.
    public var packages: [LockedPackage]

    public init(platform: String, uv: String, choices: [LockChoice], options: [String], inputs: [LockInput], packages: [LockedPackage],
                findLinks: [FindLinksFolder] = []) {
        self.platform = platform
        self.uv = uv
        self.choices = choices
        self.options = options
        self.inputs = inputs
        self.findLinks = findLinks.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        self.packages = packages.sorted { $0.name < $1.name }
    }

    public var inputsDigest: String { LockInput.digest(inputs) }

    /// `sha256:<hex>` of the lock as written: the image's `dev.cogpack.lock` label.
    public var digest: String {
        "sha256:" + SHA256.hash(data: Data(render().utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The options as uv's arguments.
    public var arguments: [String] {
        options.flatMap { o in o.split(separator: " ", maxSplits: 1).map(String.init) }
    }

    /// The format this lock is written in (`formats`).
    public var format: String {
        packages.allSatisfy(\.isFromIndex) && findLinks.isEmpty ? "1" : "2"
    }

    public func packages(in stage: LockedPackage.Stage) -> [LockedPackage] { packages.filter { $0.stage == stage } }

    public func render() -> String {
        var lines = ["# \(Self.fileName): every package of the image's Python environment, made by `cogpack lock` (docs/lock.md)."]
        var header = [("format", format), ("inputs", inputsDigest), ("platform", platform), ("uv", uv)]
        header += choices.map { ($0.key, $0.value) }
        header += options.map { ("option", $0) }
        header += findLinks.flatMap(\.recorded).map { ("find-links", $0) }
        header += inputs.map { ("input", $0.recorded) }
        lines += header.map { Self.prefix + "\($0.0)=\($0.1)" }
        lines += packages.map(\.line)
        return lines.map { $0 + "\n" }.joined()
    }

    /// Reads a lock file; `display` names it in errors (file:line, exit 2).
    public static func parse(_ text: String, display: String = fileName) throws -> LockFile {
        var fields: [String: (value: String, line: Int)] = [:]
        var choices: [LockChoice] = []
        var options: [String] = []
        var inputs: [LockInput] = []
        var packages: [LockedPackage] = []
        var findLinks: [FindLinksFolder] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let at = Provenance(file: display, line: lineNumber)
            do {
                if line.hasPrefix(prefix) {
                    let body = line.dropFirst(prefix.count)
                    guard let eq = body.firstIndex(of: "=") else { throw LockSyntaxError("expected key=value after `\(prefix)`") }
                    let key = String(body[..<eq]), value = String(body[body.index(after: eq)...])
                    switch key {
                    case "option": options.append(value)
                    case "find-links": try Self.addFindLinks(value, line: at, to: &findLinks)
                    case "input": inputs.append(try LockInput(recorded: value, source: at))
                    case _ where LockChoice.keys.contains(key): choices.append(LockChoice(key, value, line: lineNumber))
                    case "format", "inputs", "platform", "uv":
                        guard fields[key] == nil else { throw LockSyntaxError("\(key) is given twice (first at line \(fields[key]!.line))") }
                        fields[key] = (value, lineNumber)
                    default: throw LockSyntaxError("unknown key \(LineText.quoted(key))")
                    }
                } else if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") {
                    continue
                } else {
                    packages.append(try LockedPackage(parsing: line))
                }
            } catch let e as LockSyntaxError {
                throw InputError(at, e.message + "; write it with `cogpack lock`")
            }
        }
        func field(_ key: String) throws -> String {
            guard let f = fields[key] else {
                throw InputError(Provenance(file: display, line: nil), "no `\(prefix)\(key)=` line: not a lock cogpack wrote; write it with `cogpack lock`")
            }
            return f.value
        }
        guard formats.contains(try field("format")) else {
            throw InputError(Provenance(file: display, line: fields["format"]!.line),
                             "format \(LineText.quoted(fields["format"]!.value)) is not \(formats.joined(separator: " or ")), the ones this cogpack reads; write it again with `cogpack lock`")
        }
        for key in LockChoice.keys where key != "framework" && !choices.contains(where: { $0.key == key }) {
            throw InputError(Provenance(file: display, line: nil), "no `\(prefix)\(key)=` line; write it with `cogpack lock`")
        }
        let lock = LockFile(platform: try field("platform"), uv: try field("uv"), choices: choices, options: options, inputs: inputs, packages: packages, findLinks: findLinks)
        // The digest covers the input lines: an edit of one by hand would hide a change of the model.
        guard try field("inputs") == lock.inputsDigest else {
            throw InputError(Provenance(file: display, line: fields["inputs"]!.line),
                             "the inputs digest does not match the `input=` lines (edited by hand?); write it again with `cogpack lock`")
        }
        return lock
    }

    /// Reads a `find-links=PATH [NAME sha256:…]` value into the folder it belongs to.
    private static func addFindLinks(_ value: String, line: Provenance, to folders: inout [FindLinksFolder]) throws(LockSyntaxError) {
        let words = value.split(separator: " ").map(String.init)
        guard words.count == 1 || words.count == 3 else { throw LockSyntaxError("expected find-links=PATH NAME sha256:…, found \(LineText.quoted(value))") }
        try LockedPackage.checkModelPath(words[0])
        if !folders.contains(where: { $0.path == words[0] }) { folders.append(FindLinksFolder(path: words[0], files: [:], source: line)) }
        let at = folders.firstIndex { $0.path == words[0] }!
        guard words.count == 3 else { return }
        guard !words[1].contains("/"), FindLinksFolder.isArchive(words[1]), FolderDigest.isDigest(words[2]) else {
            throw LockSyntaxError("expected find-links=PATH NAME sha256:… (NAME an archive directly in PATH), found \(LineText.quoted(value))")
        }
        guard folders[at].files[words[1]] == nil else { throw LockSyntaxError("\(words[0])/\(words[1]) is given twice") }
        folders[at].files[words[1]] = words[2]
    }
}

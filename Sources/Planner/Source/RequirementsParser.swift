import Foundation
import Rules

/// Reads pip requirements files as pip reads them: PEP 508 lines with specifiers, extras and
/// markers, comments, continuations, `-r` includes and `-c` constraint files, pip's global options
/// (typed), options written after a requirement (`--hash`, and index options, which are moved to
/// lines of their own as Cog does), local version pins, and URL, VCS and path requirements.
public enum RequirementsParser {
    static let archiveSuffixes = [".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"]
    static let vcsSchemes = ["git+", "hg+", "svn+", "bzr+"]

    /// `path` is relative to `root`; includes are read relative to the including file.
    public static func load(root: URL, path: String) throws -> RequirementsFile {
        try load(try ModelFolder(root), path: path, from: nil)
    }

    /// `path` as written in `from` (cog.yaml's python_requirements): relative to the model folder,
    /// or absolute inside it. It and every file it includes must be inside the model folder.
    public static func load(_ folder: ModelFolder, path: String, from: Provenance?) throws -> RequirementsFile {
        var out = RequirementsFile()
        var visiting = Includes()
        try read(folder, written: path, base: "", from: from, constraint: false, into: &out, visiting: &visiting)
        return out
    }

    /// One `python_packages` entry of cog.yaml: a requirement line, with options as in a file.
    public static func entry(_ text: String, source: Provenance, folder: ModelFolder, into out: inout RequirementsFile) throws {
        var visiting = Includes()
        try line(text, source: source, dir: "", folder: folder, constraint: false, into: &out, visiting: &visiting)
    }

    static func normalize(_ path: String) -> String {
        var parts: [String] = []
        for p in path.split(separator: "/") {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(String(p))
        }
        return parts.joined(separator: "/")
    }

    /// Python's `str.splitlines` separators, which pip splits a requirements file at: reading the
    /// same lines as the installer leaves no line hidden in another.
    static func isLineBreak(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// The physical lines of `text`, `\r\n` counting as one break (as in Python).
    static func physicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for c in text.unicodeScalars {
            if c == "\n", previousCR { previousCR = false; continue }
            previousCR = c == "\r"
            if isLineBreak(c) {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(c)
            }
        }
        lines.append(String(current))
        return lines
    }

    /// Reads the file `written` names (relative to the folder `base` of the file that names it).
    private static func read(_ folder: ModelFolder, written: String, base: String, from: Provenance?, constraint: Bool,
                             into out: inout RequirementsFile, visiting: inout Includes) throws {
        let at = from ?? Provenance(file: normalize(written), line: nil)
        let what = constraint ? "constraints file" : "requirements file"
        guard let path = try folder.resolve(written, from: base, at: at, what: what),
              let text = try folder.text(path, at: at, what: what) else {
            throw InputError(at, "\(what) \(LineText.quoted(written)) does not exist in the model folder; create it or fix the path")
        }
        if visiting.stack.contains(path) {
            throw InputError(at, "\(path) includes itself (\((visiting.stack + [path]).joined(separator: " → "))); remove the loop")
        }
        let key = (constraint ? "constraints:" : "requirements:") + path
        if visiting.done.contains(key) { return }
        visiting.stack.append(path)
        defer { visiting.stack.removeLast(); visiting.done.insert(key) }
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""

        var pending = ""
        var pendingLine = 0
        for (n, raw) in physicalLines(text).enumerated() {
            var line = raw
            if pending.isEmpty { pendingLine = n + 1 }
            // What is left after the line breaks must still be one printable line (no NUL or ESC
            // that would reach a terminal or an installer).
            if let c = LineText.firstControl(in: line, allowingTab: true) {
                throw InputError(Provenance(file: path, line: n + 1),
                                 "this line contains \(LineText.name(of: c)); remove it (one requirement or option per line, printable text)")
            }
            // A comment line is never continued (pip), even when it ends with a backslash.
            if line.hasSuffix("\\"), !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                line.removeLast()
                pending += line
                continue
            }
            let full = pending + line
            pending = ""
            try self.line(full, source: Provenance(file: path, line: pendingLine), dir: dir, folder: folder,
                          constraint: constraint, into: &out, visiting: &visiting)
        }
        if !pending.isEmpty {
            try self.line(pending, source: Provenance(file: path, line: pendingLine), dir: dir, folder: folder,
                          constraint: constraint, into: &out, visiting: &visiting)
        }
    }

    /// The files being read (an include of one is a loop), and those read to the end as
    /// requirements or as constraints, which a further include skips: their lines are in the
    /// result already, and reading them again made files that include the next one ten times
    /// each take 10^depth reads.
    struct Includes {
        var stack: [String] = []
        var done: Set<String> = []
    }

    /// The last name of a `/`-separated path, trailing slashes ignored. Not Foundation's
    /// lastPathComponent: swift-corelibs-foundation traps on some runs of slashes (`///o//`),
    /// and a requirements line is whatever the user wrote.
    static func lastName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `#` starts a comment at the line's start or after white space (URLs keep their fragments).
    static func stripComment(_ line: String) -> String {
        if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") { return "" }
        if let r = line.range(of: " #") ?? line.range(of: "\t#") { return String(line[..<r.lowerBound]) }
        return line
    }

    private static func line(_ raw: String, source: Provenance, dir: String, folder: ModelFolder, constraint: Bool,
                             into out: inout RequirementsFile, visiting: inout Includes) throws {
        let content = stripComment(raw).trimmingCharacters(in: .whitespaces)
        if content.isEmpty { return }
        let parsed = try RequirementLine(content, source: source)
        if parsed.requirement.isEmpty {
            // An option line: `-r`, `-c` and `-e` take the rest of the line as their value.
            let first = parsed.options[0]
            switch first.name {
            case "-r", "--requirement", "-c", "--constraint", "-e", "--editable":
                let value = restOfLine(content, after: first)
                guard !value.isEmpty else { throw InputError(source, "\(first.name) needs a value") }
                switch first.name {
                case "-e", "--editable":
                    // `-e PATH --hash…` is not pip's either; the value is the path or URL.
                    guard !constraint else { throw InputError(source, "a constraints file cannot hold an editable requirement (pip refuses it); move it to the requirements file") }
                    out.requirements.append(try requirement(value, source: source, editable: true, folder: folder))
                case "-c", "--constraint":
                    try read(folder, written: value, base: dir, from: source, constraint: true, into: &out, visiting: &visiting)
                default:
                    // pip reads a `-r` inside a constraints file as requirements.
                    try read(folder, written: value, base: dir, from: source, constraint: false, into: &out, visiting: &visiting)
                }
            default:
                for o in parsed.options { out.options.append(try globalOption(o, source: source, dir: dir, folder: folder)) }
            }
            return
        }
        var r = try requirement(parsed.requirement, source: source, editable: false, folder: folder)
        var hashes: [PackageHash] = []
        for o in parsed.options {
            switch o.name {
            case "--hash":
                guard let h = PackageHash(o.value) else {
                    throw InputError(source, "\(LineText.quoted(o.value)) is not a hash pip accepts; write --hash=sha256:<64 hex digits> (or sha384, sha512)")
                }
                hashes.append(h)
            case "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "--pre", "--no-index",
                 "--no-binary", "--only-binary", "--prefer-binary":
                // pip ignores index options written after a requirement; Cog moves them to lines
                // of their own, which is what the author meant.
                let option = try globalOption(o, source: source, dir: dir, folder: folder)
                out.options.append(option)
                out.warnings.append(InputWarning(source, "\(o.name) written after a requirement applies to the whole install: moved to a line of its own (as Cog does; pip would ignore it)"))
            default:
                throw InputError(source, "unknown option \(LineText.quoted(o.name)) after a requirement; cogpack understands --hash, and index options (--extra-index-url, --find-links …), which it moves to lines of their own")
            }
        }
        if !hashes.isEmpty { r = r.with(hashes: hashes) }
        if constraint {
            // pip needs a name to match a constraint against; an unnamed one is an error there too.
            guard r.name != nil else {
                throw InputError(source, "a constraint must name its package (pip refuses an unnamed one); write NAME @ \(r.text)")
            }
            out.constraints.append(r)
        } else {
            out.requirements.append(r)
        }
    }

    /// The value of `-r FILE` or `-e PATH`: the rest of the line after the option.
    private static func restOfLine(_ content: String, after option: RequirementLine.Option) -> String {
        var rest = content.dropFirst(option.name.count)
        if rest.hasPrefix("=") { rest = rest.dropFirst() }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// `dir` is the folder of the file the option is in: pip reads a relative --find-links folder from there.
    private static func globalOption(_ o: RequirementLine.Option, source: Provenance, dir: String, folder: ModelFolder) throws -> PipOption {
        func needs(_ what: String) throws -> String {
            guard !o.value.isEmpty else { throw InputError(source, "\(o.name) needs \(what)") }
            return o.value
        }
        func url(_ what: String) throws -> String {
            let v = try needs(what)
            guard v.hasPrefix("https://") || v.hasPrefix("http://") else {
                if v.hasPrefix("file:") {
                    // The build runs in a container, which sees no folder of this machine.
                    throw InputError(source, "\(o.name) \(LineText.quoted(v)) names a folder of this machine, which the build does not see; put the wheels in the model folder and write --find-links ./wheels")
                }
                throw InputError(source, "\(LineText.quoted(v)) is not an index URL; write \(o.name) https://host/simple")
            }
            return v
        }
        switch o.name {
        case "-i", "--index-url": return PipOption(.indexURL(try url("an index URL")), source: source)
        case "--extra-index-url": return PipOption(.extraIndexURL(try url("an index URL")), source: source)
        case "-f", "--find-links":
            let v = try needs("a URL or a folder")
            if v.contains("://"), !v.hasPrefix("file:") { return PipOption(.findLinks(.url(v)), source: source) }
            let written = v.hasPrefix("file:") ? fileURLPath(v) : v
            guard let path = try folder.resolve(written, from: dir, at: source, what: "the --find-links folder") else {
                throw InputError(source, "the --find-links folder \(LineText.quoted(v)) does not exist in the model folder; create it or remove the line")
            }
            return PipOption(.findLinks(.local(path)), source: source)
        case "--trusted-host":
            let host = try needs("a host name")
            guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-.:[]".contains($0) }) else {
                throw InputError(source, "\(LineText.quoted(host)) is not a host name; write --trusted-host pypi.example.com")
            }
            return PipOption(.trustedHost(host), source: source)
        case "--no-binary", "--only-binary":
            guard let s = PipOption.BinarySelection(try needs(":all:, :none: or package names")) else {
                throw InputError(source, "\(LineText.quoted(o.value)) is not :all:, :none: or a comma-separated list of package names")
            }
            return PipOption(o.name == "--no-binary" ? .noBinary(s) : .onlyBinary(s), source: source)
        case "--pre": return PipOption(.pre, source: source)
        case "--no-index": return PipOption(.noIndex, source: source)
        case "--prefer-binary": return PipOption(.preferBinary, source: source)
        case "--require-hashes": return PipOption(.requireHashes, source: source)
        default:
            throw InputError(source, "unknown option \(LineText.quoted(o.name)) in a requirements file; cogpack understands -r, -c, -e, --index-url, --extra-index-url, --find-links, --no-index, --trusted-host, --pre, --no-binary, --only-binary, --prefer-binary, --require-hashes and --hash")
        }
    }

    /// `file:///a/b`, `file:./b`, `file:b` → the path written.
    static func fileURLPath(_ url: String) -> String {
        var rest = url.dropFirst("file:".count)
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            // `file://localhost/a` names /a; `file:///a` names /a.
            if let slash = rest.firstIndex(of: "/") { rest = rest[slash...] }
        }
        return (String(rest).removingPercentEncoding ?? String(rest))
    }

    /// Splits ` ; marker` off a URL or path requirement: there `;` must follow white space (pip), as a
    /// URL may hold one.
    private static func splitMarker(_ content: String, source: Provenance) throws -> (String, String?) {
        guard let r = content.range(of: " ;") ?? content.range(of: "\t;") else { return (content, nil) }
        let text = content[r.upperBound...].trimmingCharacters(in: .whitespaces)
        guard Marker(text) != nil else {
            throw InputError(source, "'\(text)' is not an environment marker cogpack can read; write e.g. python_version >= \"3.10\" or sys_platform == \"linux\"")
        }
        return (content[..<r.lowerBound].trimmingCharacters(in: .whitespaces), text)
    }

    /// `#egg=name` of a URL, the name pip gives an unnamed URL or VCS requirement before building it.
    private static func eggName(_ url: String) -> String? {
        guard let r = url.range(of: "#egg=") ?? url.range(of: "&egg=") else { return nil }
        let name = url[r.upperBound...].prefix { $0 != "&" }
        return name.isEmpty ? nil : PackageName.normalize(String(name))
    }

    /// A wheel's file name says its name (`name-version-…whl`); an sdist's or a folder's does not reliably.
    private static func wheelName(_ path: String) -> String? {
        let file = (path.split(separator: "#").first.map(String.init) ?? path)
        guard file.lowercased().hasSuffix(".whl") else { return nil }
        let base = lastName(file)
        return base.split(separator: "-").first.map { PackageName.normalize(String($0)) }
    }

    /// pip reads a requirement that contains `/` or starts with `.` (or names an archive) as a path.
    private static func looksLikePath(_ text: String) -> Bool {
        text.hasPrefix(".") || text.hasPrefix("/") || text.contains("/") ||
            archiveSuffixes.contains(where: text.lowercased().hasSuffix)
    }

    /// `name [extras] @ …`: PEP 508's direct reference, whatever the URL looks like.
    private static func isNamedReference(_ content: String) -> Bool {
        var rest = content.drop { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        guard rest.startIndex != content.startIndex else { return false }
        rest = rest.drop { $0 == " " || $0 == "\t" }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...].drop { $0 == " " || $0 == "\t" } }
        return rest.hasPrefix("@")
    }

    /// A path requirement (`./pkg`, `dist/x.whl`, `file:./pkg`): relative to the model folder, and
    /// inside it, so that the build can have it.
    private static func local(_ written: String, source: Provenance, folder: ModelFolder) throws -> (String, isDirectory: Bool) {
        guard let path = try folder.resolve(written, at: source, what: "the path requirement") else {
            throw InputError(source, "\(LineText.quoted(written)) is not in the model folder; add it, or remove the line")
        }
        guard !path.isEmpty else {
            throw InputError(source, "\(LineText.quoted(written)) names the model folder itself; move the package into a folder of its own")
        }
        return (path, try folder.entry(path).kind == .directory)
    }

    static func requirement(_ content: String, source: Provenance, editable: Bool, folder: ModelFolder) throws -> Requirement {
        // VCS URL: git+https://…[#egg=name]; a git+file: repository must be inside the model folder.
        if vcsSchemes.contains(where: content.hasPrefix) {
            let (url, marker) = try splitMarker(content, source: source)
            let origin: Requirement.Origin
            if url.hasPrefix("git+file:") {
                let afterScheme = String(url.dropFirst("git+".count))
                let split = afterScheme.firstIndex { $0 == "@" || $0 == "#" } ?? afterScheme.endIndex
                let (path, isDirectory) = try local(fileURLPath(String(afterScheme[..<split])), source: source, folder: folder)
                guard isDirectory else { throw InputError(source, "\(LineText.quoted(url)) must name a git repository (a folder)") }
                origin = .localVCS(path: path, suffix: String(afterScheme[split...]))
            } else {
                origin = .vcs(url)
            }
            return Requirement(name: eggName(url), marker: marker, origin: origin, editable: editable, text: content, source: source)
        }
        // A bare URL (archive or links page entry).
        if content.contains("://"), !content.hasPrefix("file:"), !isNamedReference(content) {
            let (url, marker) = try splitMarker(content, source: source)
            return Requirement(name: eggName(url) ?? wheelName(url), marker: marker, origin: .url(url), editable: editable,
                               text: content, source: source)
        }
        // A path: `./pkg`, `../x` (inside), `dist/tool-1.0-py3-none-any.whl`, `file:./pkg`, with optional [extras].
        if content.hasPrefix("file:") || (!isNamedReference(content) && looksLikePath(content.split(separator: ";").first.map(String.init) ?? content)) {
            var (written, marker) = try splitMarker(content, source: source)
            if !content.hasPrefix("file:"), marker == nil, let semi = written.firstIndex(of: ";") {
                // A path holds no `;`: `./pkg;python_version>"3"` is a path and a marker.
                let text = written[written.index(after: semi)...].trimmingCharacters(in: .whitespaces)
                if Marker(text) != nil { marker = text; written = written[..<semi].trimmingCharacters(in: .whitespaces) }
            }
            var extras: [String] = []
            if written.hasSuffix("]"), let open = written.lastIndex(of: "[") {
                extras = written[written.index(after: open)..<written.index(before: written.endIndex)]
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                written = String(written[..<open])
            }
            let (path, isDirectory) = try local(written.hasPrefix("file:") ? fileURLPath(written) : written, source: source, folder: folder)
            return Requirement(name: isDirectory ? nil : wheelName(path), extras: extras, marker: marker,
                               origin: isDirectory ? .directory(path) : .file(path), editable: editable, text: content, source: source)
        }

        var rest = Substring(content)
        let nameEnd = rest.firstIndex { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard let first = name.first, first.isLetter || first.isNumber else {
            throw InputError(source, "'\(content)' is not a requirement: expected a package name such as torch==2.3.1")
        }
        rest = rest[nameEnd...].drop { $0 == " " || $0 == "\t" }
        var extras: [String] = []
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw InputError(source, "unclosed '[' in '\(content)'") }
            extras = rest[rest.index(after: rest.startIndex)..<close].split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
            rest = rest[rest.index(after: close)...].drop { $0 == " " || $0 == "\t" }
        }
        if rest.hasPrefix("@") {
            // `name @ URL ; marker`: here the `;` of a marker follows white space, as a URL may hold one.
            let (url, marker) = try splitMarker(rest.dropFirst().trimmingCharacters(in: .whitespaces), source: source)
            let named = PackageName.normalize(name)
            if vcsSchemes.contains(where: url.hasPrefix) || url.hasPrefix("file:") {
                let inner = try requirement(url, source: source, editable: editable, folder: folder)
                return Requirement(name: named, extras: extras, marker: marker, origin: inner.origin, editable: editable,
                                   text: content, source: source)
            }
            guard url.contains("://") else { throw InputError(source, "'\(content)': a direct reference needs a URL after '@'") }
            return Requirement(name: named, extras: extras, marker: marker, origin: .url(url), editable: editable,
                               text: content, source: source)
        }
        var marker: String?
        if let semi = rest.firstIndex(of: ";") {
            let text = rest[rest.index(after: semi)...].trimmingCharacters(in: .whitespaces)
            guard Marker(text) != nil else {
                throw InputError(source, "'\(text)' is not an environment marker cogpack can read; write e.g. python_version >= \"3.10\" or sys_platform == \"linux\"")
            }
            marker = text
            rest = rest[..<semi]
        }
        var specText = rest.trimmingCharacters(in: .whitespaces)
        if specText.hasPrefix("("), specText.hasSuffix(")") { specText = String(specText.dropFirst().dropLast()) }
        guard let spec = PEP440SpecifierSet(specText) else {
            throw InputError(source, "'\(specText)' is not a valid version specifier for \(name); write e.g. \(name)==1.2.3 or \(name)>=1.2,<2")
        }
        // `torch==2.0.1+cu118`: the variant label becomes a CUDA request; the version is matched without it.
        var local: String?
        var clauses: [PEP440Specifier] = []
        for c in spec.clauses {
            if let v = c.version, !v.local.isEmpty, c.op == .equal {
                local = v.local.joined(separator: ".")
                clauses.append(PEP440Specifier("==\(v.public_)")!)
            } else {
                clauses.append(c)
            }
        }
        return Requirement(name: PackageName.normalize(name), extras: extras, specifier: PEP440SpecifierSet(clauses),
                           local: local, marker: marker, origin: .index, editable: editable, text: content, source: source)
    }
}

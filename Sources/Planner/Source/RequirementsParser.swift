import Foundation
import Rules

/// Reads pip requirements files: PEP 508 lines with specifiers, extras and markers, comments,
/// continuations, `-r` includes, index options, local version pins, direct URLs and VCS lines.
public enum RequirementsParser {
    static let optionsWithValue = ["--index-url", "-i", "--extra-index-url", "--find-links", "-f", "--trusted-host",
                                   "--requirement", "-r", "--constraint", "-c", "--editable", "-e"]
    static let archiveSuffixes = [".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"]

    /// `path` is relative to `root`; includes are read relative to the including file.
    public static func load(root: URL, path: String) throws -> RequirementsFile {
        try load(try ModelFolder(root), path: path, from: nil)
    }

    /// `path` as written in `from` (cog.yaml's python_requirements): relative to the model folder,
    /// or absolute inside it. It and every file it includes must be inside the model folder.
    public static func load(_ folder: ModelFolder, path: String, from: Provenance?) throws -> RequirementsFile {
        var out = RequirementsFile()
        var visiting: [String] = []
        var done: Set<String> = []
        try read(folder, written: path, base: "", from: from, into: &out, visiting: &visiting, done: &done)
        return out
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

    /// Reads the file `written` names (relative to the folder `base` of the file that names it).
    /// `visiting` holds the files being read (an include of one is a loop); `done` those read to
    /// the end, which a further include skips: their lines are in `out` already, and reading them
    /// again made files that include the next one ten times each take 10^depth reads.
    private static func read(_ folder: ModelFolder, written: String, base: String, from: Provenance?,
                             into out: inout RequirementsFile, visiting: inout [String], done: inout Set<String>) throws {
        let at = from ?? Provenance(file: normalize(written), line: nil)
        let what = "requirements file"
        guard let path = try folder.resolve(written, from: base, at: at, what: what),
              let text = try folder.text(path, at: at, what: what) else {
            throw InputError(at, "requirements file \(LineText.quoted(written)) does not exist in the model folder; create it or fix the path")
        }
        if visiting.contains(path) {
            throw InputError(at, "\(path) includes itself (\((visiting + [path]).joined(separator: " → "))); remove the loop")
        }
        if done.contains(path) { return }
        visiting.append(path)
        defer { visiting.removeLast(); done.insert(path) }
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""

        var pending = ""
        var pendingLine = 0
        // Split by scalars: "\r\n" is one Character, which a Character split would not cut.
        for (n, raw) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw.last == "\r" ? raw.dropLast() : raw)
            if pending.isEmpty { pendingLine = n + 1 }
            // pip splits lines at more than \n (a lone \r, \u{0B}, U+2028…): such a character would
            // hide a line from cogpack that the installer reads, in the requirements.txt generated.
            if let c = LineText.firstControl(in: line, allowingTab: true) {
                throw InputError(Provenance(file: path, line: n + 1),
                                 "this line contains \(LineText.name(of: c)); remove it (one requirement or option per line, printable text)")
            }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line
                continue
            }
            let full = pending + line
            pending = ""
            let source = Provenance(file: path, line: pendingLine)
            let content = stripComment(full).trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            if content.hasPrefix("-") {
                try option(content, source: source, dir: dir, folder: folder, into: &out, visiting: &visiting, done: &done)
            } else {
                out.requirements.append(try requirement(content, source: source, editable: false))
            }
        }
    }

    /// The last name of a `/`-separated path, trailing slashes ignored. Not NSString's
    /// lastPathComponent: swift-corelibs-foundation traps on some runs of slashes (`///o//`),
    /// and a requirements line is whatever the user wrote.
    static func lastName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `#` starts a comment at the line's start or after white space (URLs keep their fragments).
    static func stripComment(_ line: String) -> String {
        if line.hasPrefix("#") { return "" }
        if let r = line.range(of: " #") ?? line.range(of: "\t#") { return String(line[..<r.lowerBound]) }
        return line
    }

    private static func option(_ content: String, source: Provenance, dir: String, folder: ModelFolder,
                               into out: inout RequirementsFile, visiting: inout [String], done: inout Set<String>) throws {
        var name = content
        var value = ""
        if let eq = content.firstIndex(of: "="), content.hasPrefix("--"), !content[..<eq].contains(" ") {
            name = String(content[..<eq])
            value = String(content[content.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        } else if let sp = content.firstIndex(where: { $0 == " " || $0 == "\t" }) {
            name = String(content[..<sp])
            value = String(content[sp...]).trimmingCharacters(in: .whitespaces)
        } else if content.hasPrefix("-") && !content.hasPrefix("--") && content.count > 2 {
            name = String(content.prefix(2))
            value = String(content.dropFirst(2))
        }
        switch name {
        case "-r", "--requirement", "-c", "--constraint":
            guard !value.isEmpty else { throw InputError(source, "\(name) needs a file name") }
            try read(folder, written: value, base: dir, from: source, into: &out, visiting: &visiting, done: &done)
        case "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host":
            guard !value.isEmpty else { throw InputError(source, "\(name) needs a value") }
            let long = ["-i": "--index-url", "-f": "--find-links"][name] ?? name
            out.options.append(IndexOption(option: long, value: value, source: source))
        case "-e", "--editable":
            guard !value.isEmpty else { throw InputError(source, "\(name) needs a path or VCS URL") }
            out.requirements.append(try requirement(value, source: source, editable: true))
        case "--pre", "--prefer-binary", "--no-binary", "--only-binary", "--no-index":
            out.options.append(IndexOption(option: name, value: value, source: source))
        default:
            throw InputError(source, "unknown option '\(name)' in a requirements file; cogpack understands -r, -c, -e, --index-url, --extra-index-url, --find-links, --trusted-host, --pre")
        }
    }

    static func requirement(_ content: String, source: Provenance, editable: Bool) throws -> Requirement {
        // VCS URL: git+https://…#egg=name
        if let scheme = ["git+", "hg+", "svn+", "bzr+"].first(where: content.hasPrefix) {
            guard let egg = content.range(of: "#egg=") else {
                throw InputError(source, "\(scheme.dropLast()) requirement needs '#egg=NAME' or the form 'NAME @ \(content)'")
            }
            let name = String(content[egg.upperBound...].prefix { $0 != "&" })
            return Requirement(name: PackageName.normalize(name), extras: [], specifier: .any, local: nil, marker: nil,
                               origin: .vcs(content), editable: editable, text: content, source: source)
        }
        // A bare archive: a local wheel or a URL to one.
        if archiveSuffixes.contains(where: content.lowercased().hasSuffix) || content.hasPrefix("./") || content.hasPrefix("/") {
            let file = lastName(content)
            let name = file.split(separator: "-").first.map(String.init) ?? file
            let origin: Requirement.Origin = content.contains("://") ? .url(content) : .file(content)
            return Requirement(name: PackageName.normalize(name), extras: [], specifier: .any, local: nil, marker: nil,
                               origin: origin, editable: editable, text: content, source: source)
        }

        var rest = Substring(content)
        var marker: String?
        if let semi = rest.firstIndex(of: ";") {
            let text = rest[rest.index(after: semi)...].trimmingCharacters(in: .whitespaces)
            guard Marker(text) != nil else {
                throw InputError(source, "'\(text)' is not an environment marker cogpack can read; write e.g. python_version >= \"3.10\" or sys_platform == \"linux\"")
            }
            marker = text
            rest = rest[..<semi]
        }
        let nameEnd = rest.firstIndex { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard let first = name.first, first.isLetter || first.isNumber else {
            throw InputError(source, "'\(content)' is not a requirement: expected a package name such as torch==2.3.1")
        }
        rest = rest[nameEnd...].drop { $0 == " " }
        var extras: [String] = []
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw InputError(source, "unclosed '[' in '\(content)'") }
            extras = rest[rest.index(after: rest.startIndex)..<close].split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
            rest = rest[rest.index(after: close)...]
        }
        var specText = rest.trimmingCharacters(in: .whitespaces)
        if specText.hasPrefix("@") {
            let url = specText.dropFirst().trimmingCharacters(in: .whitespaces)
            guard url.contains("://") else { throw InputError(source, "'\(content)': a direct reference needs a URL after '@'") }
            return Requirement(name: PackageName.normalize(name), extras: extras, specifier: .any, local: nil, marker: marker,
                               origin: url.hasPrefix("git+") ? .vcs(url) : .url(url), editable: editable, text: content, source: source)
        }
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

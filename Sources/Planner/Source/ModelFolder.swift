import Foundation
import Rules

/// The model folder as the planner reads it. Every path a model names (cog.yaml, `.dockerignore`,
/// `python_requirements` and the `-r`/`-c` files it includes, the predictor) must resolve, symlinks
/// included, to a file inside the folder: a model must never make cogpack read, and print in an
/// error, a file of the host such as /etc/shadow. The OS's refusals become input errors that say
/// what cannot be read.
public struct ModelFolder: Sendable {
    /// As given (for messages about the folder itself).
    public let root: URL
    /// The folder with every symlink resolved: what "inside" means.
    let realRoot: String
    let system: FileSystem
    /// cog.yaml and requirements files are text a person wrote; more than this is not one.
    static let textLimit = 16 << 20

    public init(_ root: URL, system: FileSystem = .local) throws {
        self.root = root
        self.system = system
        let shown = Provenance(file: root.path, line: nil)
        switch system.realPath(root.path) {
        case .success(let real): realRoot = real
        case .failure(.ENOENT), .failure(.ENOTDIR):
            throw InputError(shown, "no such model folder; pass the folder that holds cog.yaml")
        case .failure(let code):
            throw InputError(shown, "cannot open the model folder: \(Self.reason(code)); make it readable by this user (chmod u+rx) or run cogpack as its owner")
        }
        switch system.entry(realRoot) {
        case .success(let e) where e.kind == .directory: break
        case .success: throw InputError(shown, "not a folder; pass the folder that holds cog.yaml")
        case .failure(let code): throw InputError(shown, "cannot open the model folder: \(Self.reason(code))")
        }
        // A folder that cannot be listed reads as empty ("cog.yaml: not found"): say what it is.
        if case .failure(let code) = system.listDirectory(realRoot) {
            throw InputError(shown, "cannot read the model folder: \(Self.reason(code)); make it readable by this user (chmod u+rx) or run cogpack as its owner")
        }
    }

    /// The absolute path of `relative` (a path inside the folder, `/`-separated).
    func absolute(_ relative: String) -> String { relative.isEmpty ? realRoot : realRoot + "/" + relative }

    /// Where a path written in the model leads: `written` is relative to the folder `base` (itself
    /// relative to the model folder) or absolute. Returns the path relative to the model folder,
    /// with symlinks resolved, or nil when nothing is there. Throws when it leads outside, whether
    /// or not something is there (so that no error tells what exists on the host).
    func resolve(_ written: String, from base: String = "", at source: Provenance, what: String) throws -> String? {
        let lexical = written.hasPrefix("/") ? Self.fold(written) : Self.fold(absolute(base) + "/" + written)
        let outside = InputError(source, "\(what) \(LineText.quoted(written)) is outside the model folder; cogpack reads only files inside it: move the file into the folder and write its path relative to the folder")
        switch system.realPath(lexical) {
        case .success(let real):
            guard let relative = relativePath(real) else { throw outside }
            return relative
        case .failure(.ENOENT), .failure(.ENOTDIR):
            // An absolute path may name the folder through another route (a symlink above it).
            let asGiven = Self.fold(root.path)
            guard relativePath(lexical) != nil || lexical == asGiven || lexical.hasPrefix(asGiven + "/") else { throw outside }
            return nil
        case .failure(let code):
            throw InputError(source, "cannot read \(what) \(LineText.quoted(written)): \(Self.reason(code)); make it readable by this user")
        }
    }

    /// The path relative to the model folder when `absolute` is inside it.
    private func relativePath(_ absolute: String) -> String? {
        if absolute == realRoot { return "" }
        let prefix = realRoot.hasSuffix("/") ? realRoot : realRoot + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : nil
    }

    /// `a/./b/../c` → `a/c`, on an absolute path (`..` at the top stays at the top, as the kernel does).
    static func fold(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/") {
            if p == "." { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(p)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The text of a file inside the folder (`relative` from `resolve`), or nil when it does not exist.
    func text(_ relative: String, at source: Provenance, what: String) throws -> String? {
        switch system.readFile(absolute(relative), Self.textLimit) {
        case .success(let data):
            guard let text = String(data: data, encoding: .utf8) else {
                throw InputError(source, "\(what) \(relative) is not UTF-8 text; save it as UTF-8")
            }
            return text
        case .failure(.ENOENT):
            return nil
        case .failure(.EFBIG):
            throw InputError(source, "\(what) \(relative) is larger than \(Self.textLimit >> 20) MiB; it cannot be a file a person wrote")
        case .failure(.EISDIR), .failure(.EINVAL):
            throw InputError(source, "\(what) \(relative) is not a regular file; point to a text file")
        case .failure(let code):
            throw InputError(source, "cannot read \(what) \(relative): \(Self.reason(code)); make it readable by this user (chmod u+r)")
        }
    }

    /// The bytes of a regular file inside the folder (`relative` from the build context's list),
    /// however large: a package's files are hashed, not read as text.
    func data(_ relative: String) throws -> Data {
        switch system.readFile(absolute(relative), Int.max) {
        case .success(let data): return data
        case .failure(let code):
            throw InputError(Provenance(file: relative, line: nil),
                             "cannot read this file of the model: \(Self.reason(code)); make it readable by this user or leave it out in .dockerignore")
        }
    }

    /// The names in a folder inside the model (`relative`, "" for the model folder itself).
    func list(_ relative: String) throws -> [String] {
        switch system.listDirectory(absolute(relative)) {
        case .success(let names): return names
        case .failure(let code):
            throw InputError(Provenance(file: relative + "/", line: nil),
                             "cannot read this folder of the model: \(Self.reason(code)); make it readable by this user (chmod -R u+rX) or leave it out in .dockerignore")
        }
    }

    func entry(_ relative: String) throws -> (kind: FileSystem.Kind, size: Int64) {
        switch system.entry(absolute(relative)) {
        case .success(let e): return e
        case .failure(let code):
            throw InputError(Provenance(file: relative, line: nil),
                             "cannot read this file of the model: \(Self.reason(code)); make it readable by this user or leave it out in .dockerignore")
        }
    }

    /// What a symlink inside the folder holds, not followed.
    func linkTarget(_ relative: String) throws -> String {
        switch system.linkTarget(absolute(relative)) {
        case .success(let target): return target
        case .failure(let code):
            throw InputError(Provenance(file: relative, line: nil),
                             "cannot read this link of the model: \(Self.reason(code)); make it readable by this user or leave it out in .dockerignore")
        }
    }

    static func reason(_ error: SystemError) -> String { error.reason }
}

import Foundation
import Rules

/// A git repository inside the model folder that a `git+file:` requirement names: the commit its
/// ref (`@v1`, `@main`, or HEAD when the line names none) points to now, which uv installs. A lock
/// records that commit, so a commit made since (a moved HEAD or branch) makes the lock stale,
/// though the requirement's line did not change.
enum LocalRepository {
    /// The ref of a requirement's `@ref#fragment` suffix; HEAD when it names none.
    static func ref(_ suffix: String) -> String {
        guard suffix.hasPrefix("@") else { return "HEAD" }
        let ref = suffix.dropFirst().prefix { $0 != "#" }
        return ref.isEmpty ? "HEAD" : String(ref)
    }

    /// Whether `ref` is a full commit already (nothing to ask git).
    static func isCommit(_ ref: String) -> Bool {
        [40, 64].contains(ref.count) && ref.allSatisfy(\.isHexDigit)
    }

    /// The commit `ref` names in the repository at `path` (relative to the model folder), or nil
    /// when git cannot tell (no git, not a repository, an unknown ref). Only the repository's own
    /// git folder is read: git is told where it is, so it never walks up to a repository around
    /// the model.
    static func commit(_ path: String, ref: String, folder: ModelFolder) -> String? {
        if isCommit(ref) { return ref.lowercased() }
        let dotGit = path + "/.git"
        let gitDir: String
        if (try? folder.entry(dotGit).kind) == .directory {
            gitDir = ".git"
        } else if (try? folder.entry(path + "/HEAD").kind) == .file, (try? folder.entry(path + "/objects").kind) == .directory {
            gitDir = "."  // a bare repository
        } else {
            return nil
        }
        let out = VersionControl.git(["--git-dir=" + gitDir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"],
                                     in: URL(fileURLWithPath: folder.absolute(path)))
        guard let out, isCommit(out) else { return nil }
        return out.lowercased()
    }
}

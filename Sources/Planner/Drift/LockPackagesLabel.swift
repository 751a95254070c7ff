/// The `dev.cogpack.lock.packages` label: the packages a lock installed, `name==PIN` one a line
/// (the version; for a URL, VCS or folder package what pins it, `LockedPackage.pin`),
/// sorted by name, so that `cogpack diff` can compare two images from their labels alone.
///
/// Not the lock text itself: the hashes and indexes add nothing to a drift report (the
/// `dev.cogpack.lock` digest already tells two locks apart), and they are most of its bytes: a
/// hash line is ~80 bytes a file, so a CUDA torch lock would carry tens of kilobytes in every
/// image config. The pins alone are a few dozen bytes a package. Sorted and derived from the lock
/// only, so the same lock always gives the same label.
public enum LockPackagesLabel {
    public static let key = "dev.cogpack.lock.packages"

    public static func text(_ lock: LockFile) -> String {
        lock.packages.map { "\($0.name)==\($0.pin)" }.joined(separator: "\n")
    }

    /// name → version; nil when a line is not `name==version` (a label this cogpack did not write).
    public static func decode(_ text: String) -> [String: String]? {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.components(separatedBy: "==")
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, out[parts[0]] == nil else { return nil }
            out[parts[0]] = parts[1]
        }
        return out
    }
}

import Crypto
import Foundation
import Rules

/// The digest that pins a source folder of the model in a lock (`./local_pkg`, `-e ./pkg`): what
/// the build context holds under it (so `.dockerignore` and the byte-code caches it always leaves
/// out do not count), file by file in the order of their paths' bytes: each file's path relative
/// to the folder, its kind, and the sha256 of its bytes (of a symlink: its size, as the planner
/// never follows a link out of the model). An edit, a new file or a removed one changes it; the
/// time a file was touched does not.
public enum FolderDigest {
    /// `sha256:<hex>` of the folder `path` (relative to the model folder).
    static func of(_ path: String, source: SourceInfo, folder: ModelFolder) throws -> String {
        var lines = ""
        for file in source.files where file.path.hasPrefix(path + "/") {
            let relative = String(file.path.dropFirst(path.count + 1))
            if try folder.entry(file.path).kind == .symlink {
                lines += "\(relative)\0link\0\(file.size)\n"
            } else {
                lines += "\(relative)\0file\0\(hex(SHA256.hash(data: try folder.data(file.path))))\n"
            }
        }
        return "sha256:" + hex(SHA256.hash(data: Data(lines.utf8)))
    }

    /// `sha256:<hex>` of a package file's bytes: what its `--hash` holds.
    static func fileDigest(_ data: Data) -> String { "sha256:" + hex(SHA256.hash(data: data)) }

    /// Whether `text` is a digest as `of` writes it.
    public static func isDigest(_ text: String) -> Bool {
        text.hasPrefix("sha256:") && text.count == 7 + 64 && text.dropFirst(7).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

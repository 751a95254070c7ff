import Crypto
import Foundation

/// `cogpack --version`: the release, and which rules and data it loads, by digest, so that two
/// machines can tell whether they resolve alike.
enum Version {
    static let release = "0.5.0"

    /// SHA-256 over every file of `rules/` and `data/` (path, a NUL, length, a NUL, bytes), in
    /// path order.
    static func dataDigest(_ root: URL) throws -> String {
        var hasher = SHA256()
        for part in ["rules", "data"] {
            let dir = root.appendingPathComponent(part)
            guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            var files: [String] = []
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                files.append(part + "/" + url.path.dropFirst(dir.path.count + 1))
            }
            for path in files.sorted() {
                let bytes = try Data(contentsOf: root.appendingPathComponent(path))
                hasher.update(data: Data(path.utf8) + Data([0]) + Data(String(bytes.count).utf8) + Data([0]))
                hasher.update(data: bytes)
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func text() -> String {
        guard let root = DataRoot.find() else {
            return "cogpack \(release)\nrules and data: not found (set COGPACK_DATA to the folder with rules/ and data/)"
        }
        do {
            return "cogpack \(release)\nrules and data: sha256:\(try dataDigest(root)) (\(root.path))"
        } catch {
            return "cogpack \(release)\nrules and data: unreadable at \(root.path): \(error)"
        }
    }
}

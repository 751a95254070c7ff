import Foundation

/// The models a rules change is checked against: every folder with a `cog.yaml` under the given
/// roots (the root itself, and up to three levels down), named by its path from its root.
public struct ModelCorpus: Sendable {
    public struct Model: Sendable {
        public let name: String
        public let folder: URL
    }

    public let models: [Model]

    public init(roots: [URL]) throws {
        var found: [Model] = []
        for root in roots {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
                throw CorpusError(path: root.path)
            }
            Self.walk(root, name: root.lastPathComponent, depth: 0, into: &found)
        }
        models = found
    }

    private static func walk(_ dir: URL, name: String, depth: Int, into found: inout [Model]) {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("cog.yaml").path) {
            found.append(Model(name: name, folder: dir))
            return
        }
        guard depth < 3, let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for child in names.sorted() where !child.hasPrefix(".") {
            let url = dir.appendingPathComponent(child)
            var isDir: ObjCBool = false
            // Links are not followed: a corpus is folders a maintainer chose, not where they point.
            guard (try? url.resourceValues(forKeys: [.isSymbolicLinkKey]).isSymbolicLink) != true,
                  FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else { continue }
            walk(url, name: name + "/" + child, depth: depth + 1, into: &found)
        }
    }
}

public struct CorpusError: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "--corpus \(path): not a folder; name a folder of model folders (each with a cog.yaml)" }
}

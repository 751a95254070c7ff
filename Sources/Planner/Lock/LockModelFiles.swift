import Foundation
import Rules

/// The files of the model that uv reads to lock it, as the build context holds them: the source
/// folders, `git+file:` repositories and package files its requirements name, and the archives
/// of its `--find-links` folders. `cogpack lock` copies these, and nothing else of the model,
/// into the container where uv runs, at the model folder's absolute path, where uv's arguments
/// name them. A symlink is copied as a link, never followed: what it points to on this machine
/// does not reach the container.
public struct LockModelFiles: Sendable {
    public enum Entry: Sendable, Equatable {
        case file(path: String, contents: Data)
        case symlink(path: String, target: String)
    }

    /// The model folder's absolute path, symlinks resolved.
    public let root: String
    /// Relative to the model folder, in the order of their bytes.
    public let paths: [String]
    let folder: ModelFolder

    /// The context files of `project` under `folders` (a folder, or a file's own path).
    static func of(_ folders: [String], _ project: Project, _ source: SourceInfo) -> LockModelFiles {
        let paths = source.files.map(\.path).filter { path in folders.contains { path == $0 || path.hasPrefix($0 + "/") } }
        return LockModelFiles(root: project.folder.absolute(""), paths: paths, folder: project.folder)
    }

    /// Each with its contents, read one at a time (paths relative to the model folder).
    public func forEach(_ body: (Entry) throws -> Void) throws {
        for path in paths {
            switch try folder.entry(path).kind {
            case .symlink: try body(.symlink(path: path, target: try folder.linkTarget(path)))
            default: try body(.file(path: path, contents: try folder.data(path)))
            }
        }
    }
}

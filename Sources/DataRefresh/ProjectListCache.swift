import Foundation

/// A package source that reads each project's file list once: the readers of the rows and the
/// reader of the index's releases ask for the same projects (torch, tensorflow, jax, …), and a
/// list such as torch's is several megabytes.
final class ProjectListCache: PackageSource, @unchecked Sendable {
    private let index: any PackageSource
    private let lock = NSLock()
    private var lists: [String: [PackageIndex.File]] = [:]

    init(_ index: any PackageSource) { self.index = index }

    func files(of project: String) async throws -> [PackageIndex.File] {
        if let known = lock.withLock({ lists[project] }) { return known }
        let files = try await index.files(of: project)
        lock.withLock { lists[project] = files }
        return files
    }

    func metadata(of file: PackageIndex.File) async throws -> String? { try await index.metadata(of: file) }
}

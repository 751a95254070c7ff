import Builder
import Foundation
import Rules

/// Where `cogpack base --push REF` sends each base it made or found. REF with a tag is the name
/// of one base (so it takes one release); REF without one is a repository, and each base goes
/// under its own tag (`bookworm-python3.11`), so that `--all` pushes every release to one place
/// and an engine that pulls one knows which local name it stands for.
struct BaseDestination: Equatable {
    /// The repository, with its registry: `registry.example.com/team/cogpack-base`.
    let repository: String
    /// The tag REF named, if any.
    let tag: String?

    /// Checked before the engine is asked anything: a name Publish would push (no digest), and a
    /// tag only when one release is made.
    static func parse(_ text: String, releases: [String]) throws -> BaseDestination {
        let ref = try Publish.reference(text, setting: "--push")
        if let tag = ref.tag, releases.count > 1 {
            throw InputError(.flag("--push"), "\(Quote.value(text)) names the tag '\(tag)' but \(releases.count) releases are made (\(releases.joined(separator: ", "))); leave out the tag and each base goes under its own (bookworm-python3.11)")
        }
        return BaseDestination(repository: (ref.domain.map { "\($0)/" } ?? "") + ref.path, tag: ref.tag)
    }

    /// The registry name of the local base `local` (`cogpack/base:bookworm-python3.11`).
    func reference(forBase local: String) throws -> ImageReference {
        let own = local.split(separator: ":").last.map(String.init) ?? "latest"
        return try ImageReference(parsing: "\(repository):\(tag ?? own)")
    }
}

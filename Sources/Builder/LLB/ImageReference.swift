import PlanFormat

/// Image names as the engine and BuildKit's `docker-image://` source need them: fully qualified
/// (`python:3.11-slim` → `docker.io/library/python:3.11-slim`). The grammar itself is the plan
/// format's (`Plan.ImageReference`), named here for the builder and its users.
public typealias ImageReference = Plan.ImageReference

extension ImageReference {
    public static let defaultDomain = "docker.io"

    public var qualified: String {
        // Docker Hub's old name is the same registry.
        let registry = domain.map { $0 == "index.docker.io" ? Self.defaultDomain : $0 } ?? Self.defaultDomain
        // Official images live under library/ on Docker Hub.
        let repository = registry == Self.defaultDomain && !path.contains("/") ? "library/\(path)" : path
        let suffix = tag == nil && digest == nil ? ":latest" : (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
        return "\(registry)/\(repository)\(suffix)"
    }

    /// A name given as text, qualified. Text that is not a reference comes back as it is:
    /// commands check names when they read them (`-t`, plan files), and the engine refuses
    /// what is left (image listings) instead of this trapping.
    public static func qualified(_ text: String) -> String {
        (try? ImageReference(parsing: text))?.qualified ?? text
    }
}

/// Why a build did not produce an image, in words a user can act on.
public enum BuildError: Error, CustomStringConvertible {
    /// The plan cannot be built (a bug in a block, or a hand-edited plan).
    case plan(String)
    /// No BuildKit answers where we looked.
    case noBuilder(String)
    /// A build step failed: its name and its last log lines.
    case stepFailed(step: String, error: String, log: [String])
    /// A file or folder of a context could not be read while it was sent.
    case context(String)
    /// The builder went silent or away during the build.
    case builderLost(String)
    /// The build was interrupted (Ctrl-C).
    case cancelled
    /// Anything else BuildKit or the engine reported.
    case buildkit(String)

    public var description: String {
        switch self {
        case .plan(let m): "the plan cannot be built: \(m)"
        case .noBuilder(let m): m
        case .stepFailed(let step, let error, let log):
            (["step failed: \(step)", "  \(error)"] + (log.isEmpty ? [] : ["  last log lines:"] + log.map { "    " + $0 })).joined(separator: "\n")
        case .builderLost(let m): m
        case .context(let m): m
        case .cancelled: "build cancelled"
        case .buildkit(let m): m
        }
    }
}

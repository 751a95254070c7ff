/// Mistakes in how blocks assembled stages. They are bugs in a block (or a stack), not in the
/// user's files, so they name the blocks involved.
public enum ComposerError: Error, Equatable, CustomStringConvertible {
    case duplicateStage(id: String, first: String, second: String)
    case unknownStage(id: String, referencedBy: String)
    case unknownContext(name: String, referencedBy: String)
    case noEarlierStage(referencedBy: String)
    case laterStage(id: String, referencedBy: String)

    public var description: String {
        switch self {
        case .duplicateStage(let id, let first, let second):
            "stage id '\(id)' is added by both block \(first) and block \(second)"
        case .unknownStage(let id, let by): "stage \(by) refers to stage '\(id)', which no block added"
        case .unknownContext(let name, let by): "stage \(by) refers to context '\(name)', which no block added"
        case .noEarlierStage(let by): "stage \(by) takes the previous stage's output, but no stage comes before it"
        case .laterStage(let id, let by): "stage \(by) refers to stage '\(id)', which comes after it"
        }
    }
}

/// A planner failure that is not the user's input: the rules data lacks what a block needs.
public enum PlannerError: Error, Equatable, CustomStringConvertible {
    case missingTool(String)
    case unknownBaseImage(String)
    /// A package every image needs that the resolution did not choose.
    case unresolved(String)

    public var description: String {
        switch self {
        case .missingTool(let p): "rules/build-tools.yaml has no entry for \(p); add one with its version"
        case .unknownBaseImage(let ref): "the resolution chose base image \(ref), which the catalog does not list"
        case .unresolved(let p): "the resolution chose no release of \(p); data/cuda-matrix.json needs rows for it (`cogpack data refresh`)"
        }
    }
}

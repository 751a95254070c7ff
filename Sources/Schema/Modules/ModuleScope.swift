/// A Python file of the model as the schema reads it: what it declares, how errors name it, and
/// where it sits (relative imports start from its folder).
struct ModuleScope: Sendable {
    let module: PythonModule
    /// As errors show it: the path cog.yaml wrote for the predictor, the path from the model
    /// folder for the files it imports (`models/out.py`).
    let file: String
    /// The path from the model folder, `.` and `..` folded away (`sub/predict.py`).
    let path: String

    /// The folder of `path` as its parts (`[]` at the model folder).
    var folder: [String] { Array(path.split(separator: "/").dropLast().map(String.init)) }

    /// `a/./b/../c.py` → `a/c.py`; nil when `..` climbs above the start.
    static func fold(_ path: String) -> String? {
        var parts: [String] = []
        for p in path.split(separator: "/") where p != "." {
            if p == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(String(p))
            }
        }
        return parts.joined(separator: "/")
    }
}

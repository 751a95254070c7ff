import Planner

/// What a new lock changed, one package a line: `name old → new`, `+ name version` for a package
/// it adds, `- name version` for one it drops.
enum LockDiff {
    static func lines(from old: LockFile?, to new: LockFile) -> [String] {
        var before: [String: String] = [:]
        for p in old?.packages ?? [] { before[p.name] = p.pin }
        var after: [String: String] = [:]
        for p in new.packages { after[p.name] = p.pin }
        return Set(before.keys).union(after.keys).sorted().compactMap { name in
            switch (before[name], after[name]) {
            case let (b?, a?) where b != a: "\(name) \(b) → \(a)"
            case let (nil, a?) where old != nil: "+ \(name) \(a)"
            case let (b?, nil): "- \(name) \(b)"
            default: nil
            }
        }
    }
}

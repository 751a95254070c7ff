/// What differs between two environments (`cogpack diff`): the resolver's choices and, when both
/// sides name their packages, the package versions. A name with no old value was added, one with
/// no new value removed.
public struct Drift: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public let name: String
        public let old: String?
        public let new: String?
        public init(_ name: String, old: String?, new: String?) {
            self.name = name
            self.old = old
            self.new = new
        }

        /// `name old → new`, `+ name new`, `- name old`: as `cogpack lock` prints what moved.
        public var line: String {
            switch (old, new) {
            case let (o?, n?): "\(name) \(o) → \(n)"
            case let (nil, n?): "+ \(name) \(n)"
            case let (o?, nil): "- \(name) \(o)"
            default: name
            }
        }
    }

    /// In the order the old side made them, then the new side's new ones.
    public let choices: [Change]
    /// Sorted by name; empty when `packagesCompared` is false.
    public let packages: [Change]
    /// Whether both sides name their packages (both had a lock).
    public let packagesCompared: Bool

    public var isEmpty: Bool { choices.isEmpty && packages.isEmpty }

    public static func between(_ a: EnvironmentRecord, _ b: EnvironmentRecord) -> Drift {
        var names: [String] = []
        for c in a.choices + b.choices where !names.contains(c.name) { names.append(c.name) }
        let choices = names.compactMap { name -> Change? in
            let old = a.choices.first { $0.name == name }?.value, new = b.choices.first { $0.name == name }?.value
            return old == new ? nil : Change(name, old: old, new: new)
        }
        guard let pa = a.packages, let pb = b.packages else {
            return Drift(choices: choices, packages: [], packagesCompared: false)
        }
        let packages = Set(pa.keys).union(pb.keys).sorted().compactMap { name -> Change? in
            pa[name] == pb[name] ? nil : Change(name, old: pa[name], new: pb[name])
        }
        return Drift(choices: choices, packages: packages, packagesCompared: true)
    }
}

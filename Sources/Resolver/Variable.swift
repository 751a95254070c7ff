import Rules

/// A resolver variable and its finite domain. Index 0 is "none" for variables that may not apply.
struct Variable {
    struct Value {
        let label: String
        /// Orders values for newest/oldest; larger is newer.
        let rank: [Int]
        var isNone = false
        /// A version the user named that the tables do not have.
        var unknown = false
        var pep: PEP440Version?
        var dotted: DottedVersion?
        var image: BaseImage?

        /// The value as the resolution carries it: typed by what the variable is.
        var typed: ChosenValue {
            if let image { return .image(image) }
            if let pep { return .version(pep) }
            if let dotted { return .dotted(dotted) }
            return .name(label)
        }
    }

    let id: ResolverVariable
    let values: [Value]
    let optional: Bool
    let term: Z3Context.Term

    func index(where predicate: (Value) -> Bool) -> [Int] {
        values.indices.filter { predicate(values[$0]) }
    }

    func index(ofLabel label: String) -> Int? {
        values.firstIndex { $0.label == label } ?? values.firstIndex { v in
            // Accept "12.1" for "12.1", "2.3" for "2.3.0", and so on.
            if let d = v.dotted, let want = DottedVersion(label) { return d == want }
            if let p = v.pep, let want = PEP440Version(label) { return p == want }
            return false
        }
    }

    /// The value of a release, by PEP 440 equality (no labels printed and parsed again).
    func index(of version: PEP440Version) -> Int? {
        values.firstIndex { $0.pep == version }
    }

    var noneIndex: Int? { optional ? 0 : nil }

    var name: String { id.name }
}

extension PEP440Version {
    /// Compared element by element, so the release is padded to one width: otherwise 0.12.0's
    /// pre-release slot (9) would outrank 0.12.0.1's fourth part (1).
    var rank: [Int] {
        let width = 8
        let padded = release.count >= width ? release : release + Array(repeating: 0, count: width - release.count)
        return [epoch] + padded + [pre.map { $0.kind.rawValue } ?? 9, post ?? -1]
    }
}

extension DottedVersion {
    var rank: [Int] { parts }
}

/// `KEY=VALUE` entries in order, a later key replacing an earlier one in place, with `${PATH}`
/// (or `$PATH`) in a value standing for the value the key had before.
struct EnvList: Equatable {
    private(set) var entries: [(key: String, value: String)] = []

    init(_ list: [String] = []) { apply(list) }

    static func == (a: EnvList, b: EnvList) -> Bool { a.array == b.array }

    subscript(key: String) -> String? { entries.first { $0.key == key }?.value }

    mutating func apply(_ list: [String]) {
        for item in list {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            var value = parts.count > 1 ? String(parts[1]) : ""
            let previous = self[key] ?? ""
            value = value.replacingOccurrences(of: "${\(key)}", with: previous)
                .replacingOccurrences(of: "$\(key)", with: previous)
            if let i = entries.firstIndex(where: { $0.key == key }) {
                entries[i].value = value
            } else {
                entries.append((key, value))
            }
        }
    }

    func applying(_ list: [String]) -> EnvList {
        var copy = self
        copy.apply(list)
        return copy
    }

    var array: [String] { entries.map { "\($0.key)=\($0.value)" } }
}

import Foundation

/// The `filters` query parameter of the Engine API: a JSON object of names to lists of values
/// (`{"dangling":["true"]}`), with sorted keys so the same filters are the same request.
enum EngineFilters {
    static func json(_ filters: [String: [String]]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: filters, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

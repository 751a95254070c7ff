import Foundation
import Rules

/// `--secret id=ID,src=FILE` (docker's spelling; `source=` and `type=file` are accepted too).
/// The file is checked here, before the build connects, and read only when BuildKit asks.
enum SecretFlag {
    /// BuildKit refuses larger secrets (its MaxSecretSize).
    static let maxBytes = 500 * 1024

    static func parse(_ values: [String]) throws -> [String: URL] {
        var out: [String: URL] = [:]
        for value in values {
            let (id, src) = try fields(value)
            guard out[id] == nil else {
                throw InputError(.flag("--secret"), "the id \(Quote.value(id)) is given twice; give each secret its own id")
            }
            out[id] = try InputFiles.check(src, flag: "--secret", what: "secret file", kind: .file(limit: maxBytes))
        }
        return out
    }

    private static func fields(_ value: String) throws -> (id: String, src: String) {
        let usage = "write id=ID,src=FILE"
        var fields: [String: String] = [:]
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard kv.count == 2 else {
                let where_ = part == value ? "" : " in \(Quote.value(value))"
                throw InputError(.flag("--secret"), "\(Quote.value(String(part)))\(where_) is not KEY=VALUE; \(usage)")
            }
            let key = kv[0] == "source" ? "src" : kv[0]
            guard ["id", "src", "type"].contains(key) else {
                throw InputError(.flag("--secret"), "unknown key \(Quote.value(kv[0])) in \(Quote.value(value)); \(usage)")
            }
            guard fields[key] == nil else { throw InputError(.flag("--secret"), "\(key) is given twice in \(Quote.value(value)); \(usage)") }
            fields[key] = kv[1]
        }
        if let type = fields["type"], type != "file" {
            throw InputError(.flag("--secret"), "type \(Quote.value(type)) is not supported; only file secrets are: \(usage)")
        }
        guard let id = fields["id"], !id.isEmpty else { throw InputError(.flag("--secret"), "\(Quote.value(value)) has no id; \(usage)") }
        if let c = Quote.firstControl(id) { throw InputError(.flag("--secret"), "the id \(Quote.value(id)) holds \(c); \(usage)") }
        guard let src = fields["src"], !src.isEmpty else { throw InputError(.flag("--secret"), "\(Quote.value(value)) has no src; \(usage)") }
        return (id, src)
    }
}

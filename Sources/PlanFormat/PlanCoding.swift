import Basics
import Foundation

extension Plan {
    /// Sorted keys, no escaped slashes, a final newline: the same plan always gives the same bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a plan written by `cogpack plan --json`; `display` names the file in errors. Every
    /// value the builder uses is checked here (`validate`), so a damaged plan ends as bad input.
    public static func decode(_ data: Data, display: String) throws -> Plan {
        let at = PlanSourceLines(display: display, data: data)
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: data)
        } catch let error as DecodingError {
            throw InputError(notJSONLine(data, at) ?? at.file, "not a cogpack plan: \(describe(error, data)); write it again with `cogpack plan --json`")
        } catch {
            throw InputError(at.file, "not a cogpack plan: \(error.localizedDescription); write it again with `cogpack plan --json`")
        }
        guard plan.format == currentFormat else {
            throw InputError(at.at("format", plan.format), "plan format \(PlanText.quote(plan.format)) is not \(currentFormat); write it again with this cogpack")
        }
        try plan.validate(display: display, source: data)
        return plan
    }

    /// The line where the JSON itself breaks, when it does.
    private static func notJSONLine(_ data: Data, _ at: PlanSourceLines) -> Provenance? {
        guard let offset = jsonSyntaxError(data)?.offset else { return nil }
        return Provenance(file: at.display, line: at.line(ofOffset: offset))
    }

    /// What the JSON parser says is wrong with the text, and at which character, if it is not JSON.
    private static func jsonSyntaxError(_ data: Data) -> (text: String, offset: Int?)? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "not JSON"
            // "… around character 12." or "… around line 2, column 3."
            let offset = text.range(of: "character ").flatMap { r in Int(text[r.upperBound...].prefix { $0.isNumber }) }
            return (text.hasSuffix(".") ? String(text.dropLast()) : text, offset)
        }
    }

    private static func describe(_ error: DecodingError, _ data: Data) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "missing \(path(ctx.codingPath + [key]))"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        case .dataCorrupted(let ctx) where !ctx.codingPath.isEmpty:
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        case .dataCorrupted:
            if let syntax = jsonSyntaxError(data) { return "not JSON (\(syntax.text))" }
            // JSON, but a number the plan cannot hold (a fraction, or beyond 64 bits).
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            let at = object.flatMap { firstNonInteger($0, path: "") }.map { "\($0): " } ?? ""
            return "\(at)a number is not a whole number within 64 bits"
        @unknown default: return "\(error)"
        }
    }

    /// The key path of the first number that is not a 64-bit integer (every number in a plan is one).
    private static func firstNonInteger(_ value: Any, path: String) -> String? {
        switch value {
        case let object as [String: Any]:
            for (key, item) in object.sorted(by: { $0.key < $1.key }) {
                if let found = firstNonInteger(item, path: "\(path).\(key)") { return found }
            }
        case let array as [Any]:
            for (i, item) in array.enumerated() {
                if let found = firstNonInteger(item, path: "\(path)[\(i)]") { return found }
            }
        case is String, is Bool: break
        case let n as NSNumber:
            let d = n.doubleValue
            if d != d.rounded() || abs(d) >= 9.2e18 { return path }
        default: break
        }
        return nil
    }
}

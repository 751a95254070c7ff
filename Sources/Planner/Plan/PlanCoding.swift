import Foundation
import Rules

extension Plan {
    /// Sorted keys, no escaped slashes, a final newline: the same plan always gives the same bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a plan written by `cogpack plan --json`; `display` names the file in errors.
    public static func decode(_ data: Data, display: String) throws -> Plan {
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: data)
        } catch let error as DecodingError {
            throw InputError(Provenance(file: display, line: nil), "not a cogpack plan: \(describe(error)); write it again with `cogpack plan --json`")
        } catch {
            throw InputError(Provenance(file: display, line: nil), "not JSON: \(error.localizedDescription)")
        }
        guard plan.format == currentFormat else {
            throw InputError(Provenance(file: display, line: nil), "plan format '\(plan.format)' is not \(currentFormat); write it again with this cogpack")
        }
        try plan.validate(display: display)
        return plan
    }

    /// A composed plan refers only to stages before the referring one, and to contexts it has.
    public func validate(display: String) throws {
        var seen = Set<String>()
        func check(_ input: StageInput, in stage: Stage) throws {
            switch input {
            case .auto, .phase:
                throw InputError(Provenance(file: display, line: nil), "stage \(stage.id) has an unresolved input; plans are composed before they are written")
            case .stage(let id) where !seen.contains(id):
                throw InputError(Provenance(file: display, line: nil), "stage \(stage.id) refers to stage \(id), which does not come before it")
            case .context(let name) where contexts[name] == nil:
                throw InputError(Provenance(file: display, line: nil), "stage \(stage.id) refers to context \(name), which the plan does not have")
            default: break
            }
        }
        for stage in stages {
            try check(stage.source, in: stage)
            for op in stage.operations {
                switch op {
                case .copy(let c): try check(c.from, in: stage)
                case .exec(let e):
                    for case .input(let from, _, _) in e.mounts { try check(from, in: stage) }
                default: break
                }
            }
            guard seen.insert(stage.id).inserted else {
                throw InputError(Provenance(file: display, line: nil), "stage id \(stage.id) appears twice")
            }
        }
        guard !stages.isEmpty else { throw InputError(Provenance(file: display, line: nil), "the plan has no stages") }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "missing \(path(ctx.codingPath + [key]))"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

import Rules

/// Why a lock no longer fits its model: a line of cog.yaml or of a requirements file that is new
/// or changed since the lock was made (named where it is now), a line the lock was made from that
/// is gone (named in the lock), or a choice of the resolver that moved (named in the lock).
public struct LockChange: Sendable, Equatable, CustomStringConvertible {
    public let source: Provenance
    public let message: String

    public var description: String { "\(source): \(message)" }

    /// Every difference between `lock` and the model's `inputs` and the resolver's `choices` now;
    /// empty when the lock is fresh.
    public static func between(_ lock: LockFile, inputs: [LockInput], choices: [LockChoice], display: String = LockFile.fileName) -> [LockChange] {
        var out: [LockChange] = []
        var locked = counts(lock.inputs)
        for input in inputs {
            if let n = locked[input], n > 0 {
                locked[input] = n - 1
            } else {
                out.append(LockChange(source: input.source ?? Provenance(file: input.file, line: nil),
                                      message: "\(LineText.quoted(input.text)) is not in \(display) (a line added or changed since the lock was made); run `cogpack lock`"))
            }
        }
        var current = counts(inputs)
        for input in lock.inputs {
            if let n = current[input], n > 0 {
                current[input] = n - 1
            } else {
                out.append(LockChange(source: input.source ?? Provenance(file: display, line: nil),
                                      message: "the lock was made from \(LineText.quoted(input.text)) of \(input.file), which is no longer there; run `cogpack lock`"))
            }
        }
        for key in LockChoice.keys {
            let was = lock.choices.filter { $0.key == key }, now = choices.filter { $0.key == key }
            guard Set(was) != Set(now) else { continue }
            let line = was.first?.line
            let wasText = was.isEmpty ? "no \(key)" : was.map { "\(key)=\($0.value)" }.joined(separator: ", ")
            let nowText = now.isEmpty ? "no \(key)" : now.map { "\(key)=\($0.value)" }.joined(separator: ", ")
            out.append(LockChange(source: Provenance(file: display, line: line),
                                  message: "the lock was made for \(wasText); the resolver now chooses \(nowText); run `cogpack lock`"))
        }
        return out
    }

    private static func counts(_ inputs: [LockInput]) -> [LockInput: Int] {
        inputs.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}

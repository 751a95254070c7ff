import Rules

/// Why a lock no longer fits its model: a line of cog.yaml or of a requirements file that is new
/// or changed since the lock was made (named where it is now), a line the lock was made from that
/// is gone (named in the lock), a choice of the resolver that moved (named in the lock), or a
/// folder, repository or `--find-links` folder of the model whose contents moved under an
/// unchanged line (named at that line).
public struct LockChange: Sendable, Equatable, CustomStringConvertible {
    public let source: Provenance
    public let message: String

    public var description: String { "\(source): \(message)" }

    /// Every difference between `lock` and the model's `inputs` and the resolver's `choices` now;
    /// empty when the lock is fresh.
    public static func between(_ lock: LockFile, inputs: [LockInput], choices: [LockChoice], pins: [LocalPin] = [],
                               findLinks: [FindLinksFolder] = [], display: String = LockFile.fileName) -> [LockChange] {
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
        out += moved(lock, pins: pins, display: display)
        // A --find-links folder new or gone since the lock is a changed input line already.
        for now in findLinks {
            guard let was = lock.findLinks.first(where: { $0.path == now.path }) else { continue }
            let differences = was.differences(to: now)
            guard !differences.isEmpty else { continue }
            out.append(LockChange(source: now.source, message: "the --find-links folder \(now.path) changed since the lock was made: "
                                  + differences.joined(separator: "; ") + "; run `cogpack lock`"))
        }
        return out
    }

    /// The folders and repositories of the model whose digest or commit is not the lock's; a
    /// package of the model folder the lock installs that no requirement names now.
    private static func moved(_ lock: LockFile, pins: [LocalPin], display: String) -> [LockChange] {
        var out: [LockChange] = []
        for p in lock.packages {
            guard let (kind, path, value) = LocalPin.recorded(p) else { continue }
            let what = ["folder": "the folder", "repository": "the repository", "file": "the file"][kind.rawValue]!
            guard let now = pins.first(where: { $0.kind == kind && $0.path == path }) else {
                out.append(LockChange(source: Provenance(file: display, line: nil),
                                      message: "the lock installs \(p.name) from \(what) \(path), which no requirement names now; run `cogpack lock`"))
                continue
            }
            guard now.value != value else { continue }
            let message: String
            switch (kind, now.value) {
            case (.folder, let digest?):
                message = "the folder \(path) changed since the lock was made (its files' digest is \(digest), the lock has \(value)); run `cogpack lock`"
            case (.file, let digest?):
                message = "the file \(path) changed since the lock was made (its sha256 is \(digest), the lock has \(value)); run `cogpack lock`"
            case (.repository, let commit?):
                message = "the repository \(path) moved since the lock was made (it is at commit \(commit), the lock has \(value)); run `cogpack lock`"
            default:
                message = "git cannot tell the commit of the repository \(path) (the lock has \(value)); check it is a git repository with that ref, then run `cogpack lock`"
            }
            out.append(LockChange(source: now.source, message: message))
        }
        return out
    }

    private static func counts(_ inputs: [LockInput]) -> [LockInput: Int] {
        inputs.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}

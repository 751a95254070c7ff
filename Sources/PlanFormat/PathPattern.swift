/// One `.dockerignore` pattern, compiled to a small automaton over the path's Unicode scalars and
/// run without backtracking: matching costs at most (path length × pattern length), whatever the
/// pattern (a line of a hundred `**/` is as cheap as one).
///
/// The meaning is Docker's (moby's patternmatcher): `*` is any run of characters but `/`, `?` one
/// character but `/`, `[…]` a class (`^` negates, ranges, `\` escapes), `**/` zero or more folders,
/// `**` at the end anything, `\` makes the next character literal. Every character a file name may
/// hold, a newline included, is an ordinary character here (Go's regexp would stop `**` at a newline;
/// excluding such a file is what the pattern asks for).
struct PathPattern: Sendable {
    /// A set of characters of a `[…]` class.
    struct CharClass: Sendable {
        var negated = false
        var ranges: [ClosedRange<UInt32>] = []

        func contains(_ c: Unicode.Scalar) -> Bool {
            ranges.contains { $0.contains(c.value) } != negated
        }
    }

    enum Step: Sendable {
        case scalar(Unicode.Scalar)
        /// `?`
        case oneInName
        /// `*`
        case anyInName
        case oneOf(CharClass)
        /// `**` at the end: anything, slashes included.
        case anything
        /// `**/`, or `**` followed by more pattern: zero or more whole folders (`(.*/)?`).
        case folders
    }

    let steps: [Step]

    /// nil when the pattern is malformed (an unclosed or empty class, a reversed range), as Docker
    /// refuses it.
    init?(_ pattern: String) {
        let chars = Array(pattern.unicodeScalars)
        var steps: [Step] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "*":
                guard i < chars.count, chars[i] == "*" else { steps.append(.anyInName); continue }
                let atStart = i == 1
                i += 1
                if i < chars.count, chars[i] == "/" { i += 1 }
                if i == chars.count {
                    steps.append(.anything)
                } else if atStart, chars[i] != "/", Self.isLiteral(chars[i...]) {
                    // Docker matches a leading `**` before plain text as a suffix: `**foo` takes `xfoo`.
                    steps.append(.anything)
                } else {
                    steps.append(.folders)
                }
            case "?":
                steps.append(.oneInName)
            case "[":
                guard let (cls, next) = Self.charClass(chars, from: i) else { return nil }
                steps.append(.oneOf(cls))
                i = next
            case "\\":
                // A trailing backslash stands for itself.
                if i < chars.count { steps.append(.scalar(chars[i])); i += 1 } else { steps.append(.scalar("\\")) }
            default:
                steps.append(.scalar(c))
            }
        }
        self.steps = steps
    }

    private static func isLiteral(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        !rest.contains { "*?[]\\".unicodeScalars.contains($0) }
    }

    /// The class starting after `[`, and the index after its `]`.
    private static func charClass(_ chars: [Unicode.Scalar], from start: Int) -> (CharClass, Int)? {
        var cls = CharClass()
        var i = start
        if i < chars.count, chars[i] == "^" { cls.negated = true; i += 1 }
        func item() -> Unicode.Scalar? {
            guard i < chars.count else { return nil }
            var c = chars[i]
            if c == "\\" {
                i += 1
                guard i < chars.count else { return nil }
                c = chars[i]
            }
            i += 1
            return c
        }
        var first = true
        while true {
            guard i < chars.count else { return nil }
            if chars[i] == "]", !first { return (cls, i + 1) }
            first = false
            guard let lo = item() else { return nil }
            var hi = lo
            if i + 1 < chars.count, chars[i] == "-", chars[i + 1] != "]" {
                i += 1
                guard let h = item() else { return nil }
                hi = h
            }
            guard lo.value <= hi.value else { return nil }
            cls.ranges.append(lo.value...hi.value)
        }
    }

    // MARK: matching

    /// The automaton's states: `2k` is "before step k" (`2 × steps.count` accepts); `2k + 1` is
    /// "inside a folder name" of a `folders` step k.
    private var stateCount: Int { 2 * steps.count + 2 }

    /// Adds `state` and all it reaches without reading a character.
    private func close(_ state: Int, into set: inout [Bool]) {
        var s = state
        while !set[s] {
            set[s] = true
            guard s % 2 == 0, s / 2 < steps.count else { return }
            switch steps[s / 2] {
            case .anyInName, .anything, .folders: s += 2  // each may match nothing
            default: return
            }
        }
    }

    private func step(_ set: [Bool], _ c: Unicode.Scalar) -> [Bool] {
        var next = Array(repeating: false, count: stateCount)
        for s in set.indices where set[s] && s / 2 < steps.count {
            let k = s / 2
            if s % 2 == 1 {
                // Inside a folder name of `folders`: more name, or its `/` ends one folder.
                close(c == "/" ? 2 * k : s, into: &next)
                continue
            }
            switch steps[k] {
            case .scalar(let x): if x == c { close(s + 2, into: &next) }
            case .oneInName: if c != "/" { close(s + 2, into: &next) }
            case .oneOf(let cls): if cls.contains(c) { close(s + 2, into: &next) }
            case .anyInName: if c != "/" { close(s, into: &next) }
            case .anything: close(s, into: &next)
            case .folders: close(c == "/" ? s : s + 1, into: &next)
            }
        }
        return next
    }

    /// Whether the pattern matches `path` itself (`whole`) and whether it matches one of the
    /// folders above it (`parent`), in one pass: a parent is the path up to one of its `/`.
    func match(_ path: String) -> (whole: Bool, parent: Bool) {
        let accept = 2 * steps.count
        var set = Array(repeating: false, count: stateCount)
        close(0, into: &set)
        var parent = false
        for c in path.unicodeScalars {
            if c == "/", set[accept] { parent = true }
            set = step(set, c)
            if !set.contains(true) { return (false, parent) }
        }
        return (set[accept], parent)
    }
}

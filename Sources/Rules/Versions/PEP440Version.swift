import Foundation

/// A Python package version as PEP 440 defines it: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`.
/// Parsing accepts the spellings PEP 440 normalizes (alpha, beta, c, pre, preview, rev, r, `-`, `_`).
public struct PEP440Version: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum PreKind: Int, Sendable, Comparable {
        case a = 0, b, rc
        public static func < (x: PreKind, y: PreKind) -> Bool { x.rawValue < y.rawValue }
        var label: String { switch self { case .a: "a"; case .b: "b"; case .rc: "rc" } }
    }

    public let epoch: Int
    public let release: [Int]
    public let pre: (kind: PreKind, number: Int)?
    public let post: Int?
    public let dev: Int?
    /// Local version label segments, lowercased (`cu118`, `cpu`).
    public let local: [String]

    public init(epoch: Int = 0, release: [Int], pre: (PreKind, Int)? = nil, post: Int? = nil,
                dev: Int? = nil, local: [String] = []) {
        self.epoch = epoch
        self.release = release
        self.pre = pre.map { (kind: $0.0, number: $0.1) }
        self.post = post
        self.dev = dev
        self.local = local
    }

    public init?(_ input: String) {
        // Most versions are plain releases (`2.3.1`): read those byte by byte. The data file
        // holds about two thousand, and the general reading below (trimming, lowercasing,
        // scanning for every PEP 440 spelling) was a third of the time of loading it.
        if let release = DottedVersion.parts(input) {
            self.init(release: release)
            return
        }
        // As Python's str.strip: tabs, newlines and Unicode spaces around the version go too.
        var s = Substring(Self.trimmedLowercase(input))
        if s.hasPrefix("v") { s = s.dropFirst() }
        guard !s.isEmpty else { return nil }

        var local: [String] = []
        if let plus = s.firstIndex(of: "+") {
            let label = s[s.index(after: plus)...]
            let segments = label.split(omittingEmptySubsequences: false,
                                       whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" })
            guard !segments.isEmpty,
                  segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
            else { return nil }
            local = segments.map(String.init)
            s = s[..<plus]
        }

        var epoch = 0
        if let bang = s.firstIndex(of: "!") {
            guard let e = Int(s[..<bang]) else { return nil }
            epoch = e
            s = s[s.index(after: bang)...]
        }

        var scanner = VersionScanner(s)
        guard let first = scanner.number() else { return nil }
        var release = [first]
        while scanner.peek(".") && scanner.digitFollowsSeparator() {
            scanner.advance()
            guard let n = scanner.number() else { return nil }
            release.append(n)
        }

        var pre: (PreKind, Int)?
        var post: Int?
        var dev: Int?

        let preSpellings: [(String, PreKind)] = [
            ("alpha", .a), ("beta", .b), ("preview", .rc), ("pre", .rc), ("rc", .rc), ("a", .a), ("b", .b), ("c", .rc),
        ]
        scanner.skipSeparator(ifFollowedBy: preSpellings.map(\.0))
        for (word, kind) in preSpellings where scanner.consume(word) {
            scanner.skipOptionalSeparator()
            pre = (kind, scanner.number() ?? 0)
            break
        }

        if scanner.peek("-"), scanner.digitFollowsSeparator() {
            scanner.advance()
            post = scanner.number()
        } else {
            scanner.skipSeparator(ifFollowedBy: ["post", "rev", "r"])
            for word in ["post", "rev", "r"] where scanner.consume(word) {
                scanner.skipOptionalSeparator()
                post = scanner.number() ?? 0
                break
            }
        }

        scanner.skipSeparator(ifFollowedBy: ["dev"])
        if scanner.consume("dev") {
            scanner.skipOptionalSeparator()
            dev = scanner.number() ?? 0
        }

        guard scanner.atEnd else { return nil }
        self.init(epoch: epoch, release: release, pre: pre, post: post, dev: dev, local: local)
    }

    /// `input` without the white space around it, lowercased. ASCII text (nearly every version)
    /// is done byte by byte, the same as Foundation does it (tab to carriage return, and space).
    private static func trimmedLowercase(_ input: String) -> String {
        let bytes = input.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return input.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        let space: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !space($0) }), let last = bytes.lastIndex(where: { !space($0) }) else { return "" }
        return String(decoding: bytes[first...last].map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    public var isPrerelease: Bool { pre != nil || dev != nil }

    /// The same version without its local label (`2.0.1+cu118` → `2.0.1`).
    public var public_: PEP440Version {
        PEP440Version(epoch: epoch, release: release, pre: pre.map { ($0.kind, $0.number) }, post: post, dev: dev)
    }

    public var description: String {
        var out = epoch != 0 ? "\(epoch)!" : ""
        out += release.map(String.init).joined(separator: ".")
        if let pre { out += "\(pre.kind.label)\(pre.number)" }
        if let post { out += ".post\(post)" }
        if let dev { out += ".dev\(dev)" }
        if !local.isEmpty { out += "+" + local.joined(separator: ".") }
        return out
    }

    // Order per PEP 440: trailing zeros of the release do not count; a dev release of X sorts
    // before X's pre-releases; a post release sorts after X; a local label sorts after no label.
    // Written as one three-way comparison without allocating: sorting and hashing versions is a
    // good part of encoding every resolution.

    /// The release without its trailing zeros, as a count of leading parts (`2.1.0` → 2).
    private var significantReleaseCount: Int {
        var n = release.count
        while n > 1, release[n - 1] == 0 { n -= 1 }
        return n
    }

    private static func compareRelease(_ a: [Int], _ b: [Int]) -> Int {
        for i in 0..<max(a.count, b.count) {
            let (x, y) = (i < a.count ? a[i] : 0, i < b.count ? b[i] : 0)
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    private enum Bound: Comparable { case low, value(Int, Int), high }

    private var preKey: Bound {
        if let pre { return .value(pre.kind.rawValue, pre.number) }
        if post == nil, dev != nil { return .low }
        return .high
    }
    private var postKey: Bound { post.map { .value($0, 0) } ?? .low }
    private var devKey: Bound { dev.map { .value($0, 0) } ?? .high }

    /// -1, 0 or 1 as `a` sorts before, with or after `b`.
    public static func compare(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let r = compareRelease(a.release, b.release)
        if r != 0 { return r }
        let (pa, pb) = (a.preKey, b.preKey)
        if pa != pb { return pa < pb ? -1 : 1 }
        let (qa, qb) = (a.postKey, b.postKey)
        if qa != qb { return qa < qb ? -1 : 1 }
        let (da, db) = (a.devKey, b.devKey)
        if da != db { return da < db ? -1 : 1 }
        return compareLocal(a.local, b.local)
    }

    public static func < (a: PEP440Version, b: PEP440Version) -> Bool { compare(a, b) < 0 }

    public static func == (a: PEP440Version, b: PEP440Version) -> Bool { compare(a, b) == 0 }

    public func hash(into h: inout Hasher) {
        h.combine(epoch)
        let n = significantReleaseCount
        h.combine(n)
        for i in 0..<n { h.combine(release[i]) }
        h.combine(pre?.kind); h.combine(pre?.number)
        h.combine(post); h.combine(dev)
        // As the ordering sees them: `+01` and `+1` are equal, so they must hash alike.
        h.combine(local.count)
        for segment in local {
            if let n = Int(segment) { h.combine(0); h.combine(n) } else { h.combine(1); h.combine(segment) }
        }
    }

    /// PEP 440 local ordering: numeric segments beat alphanumeric ones, numbers compare as numbers
    /// (`01` equals `1`, and the next segments decide).
    private static func compareLocal(_ a: [String], _ b: [String]) -> Int {
        for (x, y) in zip(a, b) {
            switch (Int(x), Int(y)) {
            case let (i?, j?): if i != j { return i < j ? -1 : 1 }
            case (.some, nil): return 1
            case (nil, .some): return -1
            case (nil, nil): if x != y { return x < y ? -1 : 1 }
            }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

/// A tiny cursor over the characters of a version string.
private struct VersionScanner {
    let chars: [Character]
    var i = 0
    init(_ s: Substring) { chars = Array(s) }

    var atEnd: Bool { i >= chars.count }
    func peek(_ c: Character) -> Bool { i < chars.count && chars[i] == c }
    mutating func advance() { i += 1 }

    func digitFollowsSeparator() -> Bool { i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber }

    mutating func number() -> Int? {
        var j = i
        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
        guard j > i, let n = Int(String(chars[i..<j])) else { return nil }
        i = j
        return n
    }

    mutating func consume(_ word: String) -> Bool {
        let w = Array(word)
        guard i + w.count <= chars.count, Array(chars[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    mutating func skipOptionalSeparator() {
        if i < chars.count, [".", "-", "_"].contains(chars[i]) { i += 1 }
    }

    /// Skips one separator only when one of `words` follows it, so that "1.0.post1" and
    /// "1.0post1" both parse while "1.0.x" still fails.
    mutating func skipSeparator(ifFollowedBy words: [String]) {
        guard i < chars.count, [".", "-", "_"].contains(chars[i]) else { return }
        let rest = String(chars[(i + 1)...])
        if words.contains(where: { rest.hasPrefix($0) }) { i += 1 }
    }
}

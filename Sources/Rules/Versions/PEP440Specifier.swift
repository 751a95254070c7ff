import Foundation

/// One clause of a PEP 440 version specifier, such as `>=2.0`, `==2.3.*` or `~=1.4.2`.
public struct PEP440Specifier: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable, CaseIterable {
        case compatible = "~=", arbitrary = "===", equal = "==", notEqual = "!=",
             lessEqual = "<=", greaterEqual = ">=", less = "<", greater = ">"
    }

    public let op: Operator
    /// The version text as written (kept for `===` and for printing).
    public let text: String
    public let version: PEP440Version?
    /// `==2.3.*` / `!=2.3.*`.
    public let wildcard: Bool

    public init?(_ input: String) {
        let s = input.trimmingCharacters(in: .whitespacesAndNewlines)
        // Longest operators first so that "===" is not read as "==".
        guard let op = Operator.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
            .first(where: { s.hasPrefix($0.rawValue) }) else { return nil }
        var rest = String(s.dropFirst(op.rawValue.count)).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !rest.isEmpty else { return nil }
        self.op = op
        self.text = rest
        if op == .arbitrary {
            self.version = PEP440Version(rest)
            self.wildcard = false
            return
        }
        var wildcard = false
        if rest.hasSuffix(".*") {
            guard op == .equal || op == .notEqual else { return nil }
            wildcard = true
            rest.removeLast(2)
        }
        guard let v = PEP440Version(rest) else { return nil }
        // A prefix is a release: `==2.0a1.*`, `==1.0.post1.*` or `==1.0+5.*` match nothing.
        if wildcard, v.pre != nil || v.post != nil || v.dev != nil || !v.local.isEmpty { return nil }
        if op == .compatible, v.release.count < 2 { return nil }
        if !v.local.isEmpty, op != .equal, op != .notEqual { return nil }
        self.version = v
        self.wildcard = wildcard
    }

    public var description: String { op.rawValue + text }

    public func contains(_ candidate: PEP440Version) -> Bool {
        guard let v = version else { return false }
        switch op {
        case .arbitrary:
            return candidate.description == text.lowercased()
        case .equal:
            return wildcard ? Self.prefixMatch(candidate, v) : Self.equal(candidate, v)
        case .notEqual:
            return !(wildcard ? Self.prefixMatch(candidate, v) : Self.equal(candidate, v))
        case .lessEqual:
            return candidate.public_ <= v
        case .greaterEqual:
            return candidate.public_ >= v
        case .less:
            let c = candidate.public_
            guard c < v else { return false }
            // `<3.0` does not admit 3.0's own pre-releases unless the bound is one; `<3.0.post1`
            // leaves out 3.0.post1.devN, not 3.0's pre-releases.
            if !v.isPrerelease, c.isPrerelease, Self.sameRelease(c, v), v.post == nil || (c.pre == nil && c.post == v.post) {
                return false
            }
            return true
        case .greater:
            let c = candidate.public_
            guard c > v else { return false }
            // `>3.0` does not admit 3.0's post-releases unless the bound is one; `>3.0a1` leaves
            // out 3.0a1.postN, and `>3.0.dev1` none (3.0.post1 is no post-release of it).
            if v.post == nil, v.dev == nil, c.post != nil, Self.sameRelease(c, v), c.pre?.kind == v.pre?.kind,
               c.pre?.number == v.pre?.number {
                return false
            }
            return true
        case .compatible:
            let prefix = PEP440Version(epoch: v.epoch, release: Array(v.release.dropLast()))
            return candidate.public_ >= v && Self.prefixMatch(candidate, prefix)
        }
    }

    /// `==V`: without a local label in V, the candidate's local label is ignored.
    private static func equal(_ c: PEP440Version, _ v: PEP440Version) -> Bool {
        v.local.isEmpty ? c.public_ == v : c == v
    }

    private static func prefixMatch(_ c: PEP440Version, _ prefix: PEP440Version) -> Bool {
        guard c.epoch == prefix.epoch else { return false }
        let n = prefix.release.count
        var padded = c.release
        while padded.count < n { padded.append(0) }
        return Array(padded.prefix(n)) == prefix.release
    }

    private static func sameRelease(_ a: PEP440Version, _ b: PEP440Version) -> Bool {
        PEP440Version(epoch: a.epoch, release: a.release) == PEP440Version(epoch: b.epoch, release: b.release)
    }
}

/// A comma-separated set of clauses; a version must satisfy all of them. Empty means "any".
public struct PEP440SpecifierSet: Hashable, Sendable, CustomStringConvertible {
    public let clauses: [PEP440Specifier]

    public init(_ clauses: [PEP440Specifier]) { self.clauses = clauses }

    public static let any = PEP440SpecifierSet([])

    /// Parses `>=2.0, <2.5`; nil if any clause is not a valid specifier.
    public init?(_ input: String) {
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { self.clauses = []; return }
        var clauses: [PEP440Specifier] = []
        for piece in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            guard let c = PEP440Specifier(String(piece)) else { return nil }
            clauses.append(c)
        }
        self.clauses = clauses
    }

    public var isAny: Bool { clauses.isEmpty }

    public func contains(_ v: PEP440Version) -> Bool { clauses.allSatisfy { $0.contains(v) } }

    /// The single version an `==V` (no wildcard) clause names, if there is one.
    public var exactPin: PEP440Version? {
        clauses.first(where: { $0.op == .equal && !$0.wildcard })?.version
    }

    public var description: String { clauses.map(\.description).joined(separator: ",") }
}

import Rules

/// PEP 440 versions, specifiers and specifier sets, and dotted versions. Each line of the input
/// is read every way; then the values read are compared pairwise, since the resolver relies on
/// the ordering being an ordering and on equal values hashing alike (sets and dictionary keys).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVersions(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(data, size) else { return 0 }
    var versions: [PEP440Version] = []
    var dotted: [DottedVersion] = []
    var specs: [PEP440SpecifierSet] = []
    // At most 16 lines take part in the pairwise checks, to keep an input's cost bounded.
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(16).map(String.init) {
        if let v = PEP440Version(line) {
            guard let again = PEP440Version(v.description) else { FuzzInput.fail("\(v) (from \(line)) does not read back") }
            if again != v || again.hashValue != v.hashValue { FuzzInput.fail("\(v) reads back as a different version") }
            versions.append(v)
        }
        if let d = DottedVersion(line) {
            guard let again = DottedVersion(d.description), again == d else { FuzzInput.fail("dotted \(d) does not read back") }
            _ = d.truncated(to: 2)
            dotted.append(d)
        }
        if let s = PEP440Specifier(line), PEP440Specifier(s.description) == nil {
            FuzzInput.fail("specifier \(s) does not read back")
        }
        if let set = PEP440SpecifierSet(line) {
            if PEP440SpecifierSet(set.description) == nil { FuzzInput.fail("specifier set \(set) does not read back") }
            _ = set.exactPin
            specs.append(set)
        }
    }
    for a in versions {
        for b in versions {
            let (lt, gt, eq) = (a < b, b < a, a == b)
            if [lt, gt, eq].filter({ $0 }).count != 1 { FuzzInput.fail("\(a) vs \(b): <\(lt) >\(gt) ==\(eq)") }
            if eq, a.hashValue != b.hashValue { FuzzInput.fail("\(a) == \(b) but their hashes differ") }
        }
        for s in specs { _ = s.contains(a) }
    }
    for a in dotted {
        for b in dotted {
            if [a < b, b < a, a == b].filter({ $0 }).count != 1 { FuzzInput.fail("dotted \(a) vs \(b) is not ordered") }
            if a == b, a.hashValue != b.hashValue { FuzzInput.fail("dotted \(a) == \(b) but their hashes differ") }
            _ = a.isPrefix(of: b)
        }
    }
    return 0
}

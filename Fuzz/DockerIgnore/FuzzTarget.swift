import Planner

/// `.dockerignore` patterns. The first part of the input (up to a NUL byte) is the file; each
/// further part is a path to match; with no NUL, a few typical model paths are matched. The
/// patterns are read as SourceInfo reads them (malformed lines are refused there, so they are
/// skipped here), with the patterns cogpack always adds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDockerIgnore(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(data, size) else { return 0 }
    let parts = FuzzInput.parts(text)
    var lines: [String] = []
    for line in IgnorePatterns.lines(of: parts[0]) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") || !IgnorePatterns([trimmed]).malformed.isEmpty { continue }
        lines.append(trimmed)
    }
    let ignore = IgnorePatterns(SourceInfo.alwaysExcluded + lines)
    let paths = parts.count > 1 ? Array(parts.dropFirst()) : ["predict.py", "weights/model.safetensors", "a/b/__pycache__/x.pyc", ".git/HEAD"]
    for path in paths {
        _ = ignore.excludes(path)
        _ = ignore.mayReinclude(under: path)
        // The planner leaves weights out of the source copy with `literal(path)`: that pattern
        // must match the path itself, whatever characters its names hold.
        let names = path.split(separator: "/", omittingEmptySubsequences: false)
        if !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
           !IgnorePatterns([IgnorePatterns.literal(path)]).excludes(path) {
            FuzzInput.fail("literal(\(path)) = \(IgnorePatterns.literal(path)) does not match the path")
        }
    }
    return 0
}

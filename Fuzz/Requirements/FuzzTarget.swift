import Foundation
import Planner
import Rules

/// Requirements files through RequirementsParser.load, in an in-memory model folder. The input is
/// cut at NUL bytes: the first part is requirements.txt, the next ones r1.txt, r2.txt …, so that
/// `-r`/`-c` includes (and their loops) are reachable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequirements(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(data, size) else { return 0 }
    var files: [String: String] = [:]
    for (i, part) in FuzzInput.parts(text).enumerated() {
        files[i == 0 ? "requirements.txt" : "r\(i).txt"] = part
    }
    do {
        let folder = try MemoryFolder.make(files)
        let parsed = try RequirementsParser.load(folder, path: "requirements.txt", from: nil)
        let env = Marker.Environment(python: DottedVersion("3.11")!)
        for r in parsed.requirements {
            // The parser kept the marker only after reading it: it must read again.
            if let m = r.marker {
                guard let marker = Marker(m) else { FuzzInput.fail("kept marker \(m) does not parse") }
                _ = marker.evaluate(env)
            }
            // The specifier is printed into constraints; what is printed must read back.
            if PEP440SpecifierSet(r.specifier.description) == nil {
                FuzzInput.fail("specifier \(r.specifier) of \(r.name) does not read back")
            }
        }
    } catch is InputError {
    } catch {
        FuzzInput.fail("requirements raised \(type(of: error)): \(error)")
    }
    return 0
}

import Foundation
import Planner
import Rules

/// cog.yaml as the planner reads it: through ModelFolder, the YAML layer (Yams and YAMLValue) and
/// CogConfigParser. Input errors are the expected outcome for most inputs; only a crash, a hang or
/// a broken property is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCogYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(data, size) else { return 0 }
    do {
        let folder = try MemoryFolder.make(["cog.yaml": text])
        let config = try CogConfigParser.load(folder, kb: FuzzInput.kb)
        // A parsed python_version is a DottedVersion of 2 or 3 parts: its text must read back.
        if let py = config.pythonVersion, DottedVersion(py.value) == nil {
            FuzzInput.fail("python_version \(py.value) accepted but not a version")
        }
    } catch is InputError {
    } catch {
        // The parser promises InputError for every problem of the file; anything else escaped it.
        FuzzInput.fail("cog.yaml raised \(type(of: error)): \(error)")
    }
    return 0
}

import Planner
import Rules

/// PEP 508 environment markers: parsed, then evaluated against the Pythons a build may target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(data, size), let marker = Marker(text) else { return 0 }
    for python in ["3.8", "3.11", "3.12.1"] {
        _ = marker.evaluate(Marker.Environment(python: DottedVersion(python)!))
    }
    return 0
}

import Foundation
import Rules

/// rules/sources.yaml as `cogpack data refresh` and `rules lint` read it: the YAML layer, then
/// RefreshSource.parse (compiled into this target from Sources/DataRefresh, whose other files
/// need the network libraries). Every problem of the file must be an InputError with its line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSources(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(data, size) else { return 0 }
    do {
        let sources = try RefreshSource.parse(try YAMLFile.parse(text, display: RefreshSource.file))
        if Set(sources.map(\.id)).count != sources.count { FuzzInput.fail("two sources share an id") }
    } catch is InputError {
    } catch {
        FuzzInput.fail("sources.yaml raised \(type(of: error)): \(error)")
    }
    return 0
}

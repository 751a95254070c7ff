import Foundation
import Planner
import Rules

/// cogpack.lock as builds and `lock --check` read it (LockFile.parse: the header lines, the
/// inputs digest, each package line). A lock it accepts must render to text that reads back as
/// the same lock with the same digest: `cogpack lock` writes what it renders, and the image label
/// is that digest.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLock(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(data, size) else { return 0 }
    let lock: LockFile
    do {
        lock = try LockFile.parse(text)
    } catch is InputError {
        return 0
    } catch {
        FuzzInput.fail("the lock raised \(type(of: error)): \(error)")
    }
    let rendered = lock.render()
    let again: LockFile
    do {
        again = try LockFile.parse(rendered)
    } catch {
        FuzzInput.fail("an accepted lock does not read back from its rendering: \(error)\n\(rendered)")
    }
    if again != lock { FuzzInput.fail("an accepted lock reads back as another lock:\n\(rendered)") }
    if again.render() != rendered { FuzzInput.fail("rendering is not stable:\n\(rendered)") }
    _ = lock.arguments
    for stage in LockedPackage.Stage.allCases { _ = lock.packages(in: stage).map(\.requirement) }
    return 0
}

import Foundation
import Planner
import XCTest

/// File names are names, never patterns: a weights file called `w[ab].bin` must not stand for `wa.bin`.
final class LiteralNameTests: XCTestCase {
    func testAWeightsFileWithGlobCharactersLeavesItsSiblingsInTheSource() throws {
        let model = try TemporaryModel()
        try model.sparse("w[ab].bin", size: 11 << 20)
        try model.write("wa.bin", "small sibling")
        try model.sparse("*.bin", size: 11 << 20)
        let plan = try model.plan()

        guard case .copy(let source) = plan.stage("source")?.operations.first else { return XCTFail("no source copy") }
        let excluded = IgnorePatterns(source.excludes)
        XCTAssertTrue(excluded.excludes("w[ab].bin"))
        XCTAssertTrue(excluded.excludes("*.bin"))
        XCTAssertFalse(excluded.excludes("wa.bin"), "the sibling must reach /src: \(source.excludes)")
        XCTAssertFalse(excluded.excludes("predict.py"), "\(source.excludes)")

        let weights = plan.stage("weights")?.operations.compactMap { op -> [String]? in
            if case .copy(let c) = op { return c.src } else { return nil }
        }
        XCTAssertEqual(Set(weights ?? []), [["*.bin"], ["w[ab].bin"]], "copy sources are paths, as written on disk")
    }
}

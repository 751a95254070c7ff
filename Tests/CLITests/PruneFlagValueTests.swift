@testable import cogpack
import Foundation
import XCTest

/// The values `cogpack prune` reads before it sends anything: sizes with their units as written,
/// and durations as the engine (Go's time.ParseDuration) reads them; and its summary line.
final class PruneFlagValueTests: XCTestCase {
    func testSizesTakeTheirUnitsAsWritten() {
        XCTAssertEqual(ByteSize.parse("1024"), 1024)
        XCTAssertEqual(ByteSize.parse("10GB"), 10_000_000_000)
        XCTAssertEqual(ByteSize.parse("1.5GiB"), 1_610_612_736)
        XCTAssertEqual(ByteSize.parse("512 MiB"), 536_870_912)
        XCTAssertEqual(ByteSize.parse("7B"), 7)
        for bad in ["", "GB", "-5", "1.2.3MB", "10XB", "10g", "1e3", "99999999999TB"] {
            XCTAssertNil(ByteSize.parse(bad), bad)
        }
    }

    func testDurationsAreGoDurations() {
        for good in ["24h", "90m", "1h30m", "1.5h", "300ms", "2us", "2µs", "0s", "1h0m0s"] {
            XCTAssertTrue(GoDuration.isValid(good), good)
        }
        for bad in ["", "h", "3days", "24", "1h30", "-1h", "1.h.5", "1 h", ".h"] {
            XCTAssertFalse(GoDuration.isValid(bad), bad)
        }
    }

    func testTheSummaryCountsBothAndAddsTheBytes() {
        let line = PruneCommand.summary(cache: .init(removed: ["a", "b"], bytes: 1_073_741_824), images: .init(removed: ["i"], bytes: 214_748_365))
        XCTAssertEqual(line, "removed 2 cache records and 1 image, freed 1.2 GiB")
        XCTAssertEqual(PruneCommand.summary(cache: .init(removed: [], bytes: 0), images: .init(removed: [], bytes: 0)),
                       "removed 0 cache records and 0 images, freed 0 B")
    }
}

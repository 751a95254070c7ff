import Basics
import XCTest

/// Every size cogpack prints (push progress, prune's summary) in the largest binary unit it
/// reaches, with one decimal.
final class ByteCountTests: XCTestCase {
    func testSizesTakeTheLargestUnitTheyReach() {
        XCTAssertEqual(ByteCount.text(0), "0 B")
        XCTAssertEqual(ByteCount.text(1023), "1023 B")
        XCTAssertEqual(ByteCount.text(1024), "1.0 KiB")
        XCTAssertEqual(ByteCount.text(1536), "1.5 KiB")
        XCTAssertEqual(ByteCount.text(340 << 20), "340.0 MiB")
        XCTAssertEqual(ByteCount.text((1 << 30) - 1), "1024.0 MiB", "just below a GiB, rounded")
        XCTAssertEqual(ByteCount.text(5_753 << 20), "5.6 GiB")
        XCTAssertEqual(ByteCount.text(1_342_177_280), "1.3 GiB", "1.25 GiB: halves away from zero")
    }
}

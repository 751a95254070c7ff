@testable import Resolver
import Rules
import XCTest

/// "Newest" and "oldest" objectives order values by rank; it must agree with PEP 440's order.
final class VersionRankTests: XCTestCase {
    func testRankOrdersAsPEP440() {
        let texts = ["0.4.30", "0.12.0rc1", "0.12.0", "0.12.0.post1", "0.12.0.1", "0.12.1", "1!0.1"]
        let versions = texts.map { PEP440Version($0)! }
        XCTAssertEqual(versions, versions.sorted(), "the list is in PEP 440 order")
        let byRank = versions.sorted { $0.rank.lexicographicallyPrecedes($1.rank) }
        XCTAssertEqual(byRank.map(\.description), versions.map(\.description))
    }
}

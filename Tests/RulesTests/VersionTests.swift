import Rules
import XCTest

final class VersionTests: XCTestCase {
    func testPEP440Ordering() {
        let ordered = ["1.0.dev1", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1", "1.1", "2.0.1+cu118"]
        let parsed = ordered.map { PEP440Version($0)! }
        XCTAssertEqual(parsed, parsed.sorted())
        XCTAssertEqual(PEP440Version("2.0"), PEP440Version("2.0.0"))
        XCTAssertNil(PEP440Version("2.x"))
    }

    func testLocalLabelsCompareNumbersAsNumbers() {
        // Found by scripts/fuzz.sh (Versions): `01` and `1` compared as "greater" both ways, so
        // 1+01.0 and 1+1.1.0 were neither < nor > (hence ==) yet hashed differently.
        let a = PEP440Version("1+01.0")!, b = PEP440Version("1+1.1.0")!
        XCTAssertLessThan(a, b)
        XCTAssertFalse(b < a)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(PEP440Version("1.0+01"), PEP440Version("1.0+1"))
        XCTAssertEqual(PEP440Version("1.0+01")!.hashValue, PEP440Version("1.0+1")!.hashValue)
        XCTAssertEqual(Set([PEP440Version("1.0+01")!, PEP440Version("1.0+1")!]).count, 1)
        XCTAssertLessThan(PEP440Version("1.0+abc")!, PEP440Version("1.0+7")!, "a number beats letters")
    }

    func testSpecifiersAreRealRanges() {
        let set = PEP440SpecifierSet(">=2.0,<2.5")!
        XCTAssertTrue(set.contains(PEP440Version("2.4.1")!))
        XCTAssertFalse(set.contains(PEP440Version("2.5.0")!))
        XCTAssertFalse(set.contains(PEP440Version("1.13.1")!))
        XCTAssertTrue(PEP440SpecifierSet("~=2.3.0")!.contains(PEP440Version("2.3.1")!))
        XCTAssertFalse(PEP440SpecifierSet("~=2.3.0")!.contains(PEP440Version("2.4.0")!))
        XCTAssertTrue(PEP440SpecifierSet("==2.3.*")!.contains(PEP440Version("2.3.1")!))
        XCTAssertTrue(PEP440SpecifierSet("==2.0.1")!.contains(PEP440Version("2.0.1+cu118")!))
        XCTAssertNil(PEP440SpecifierSet(">=2.x"))
    }

    func testDottedVersionPrefixMatch() {
        XCTAssertTrue(DottedVersion("11.8")!.isPrefix(of: DottedVersion("11.8.0")!))
        XCTAssertFalse(DottedVersion("11.8.0")!.isPrefix(of: DottedVersion("11.8.89")!))
        XCTAssertEqual(DottedVersion("12.1"), DottedVersion("12.1.0"))
        XCTAssertLessThan(DottedVersion("470.42.01")!, DottedVersion("525.60.13")!)
    }
}

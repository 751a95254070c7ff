import Planner
import XCTest

final class IgnorePatternsTests: XCTestCase {
    func testDockerSemantics() {
        let p = IgnorePatterns(["# comment", "*.md", "!README.md", "data/", "**/*.ckpt", "/build", "tmp?", "[ab].txt"])
        XCTAssertTrue(p.excludes("NOTES.md"))
        XCTAssertFalse(p.excludes("README.md"), "an exception after the pattern brings it back")
        XCTAssertFalse(p.excludes("docs/guide.md"), "* does not cross folders")
        XCTAssertTrue(p.excludes("data/a/b.bin"), "a matched folder covers what is inside")
        XCTAssertTrue(p.excludes("models/x/y.ckpt"))
        XCTAssertTrue(p.excludes("y.ckpt"), "**/ matches zero folders")
        XCTAssertTrue(p.excludes("build/out.o"))
        XCTAssertTrue(p.excludes("tmp1"))
        XCTAssertFalse(p.excludes("tmp12"))
        XCTAssertTrue(p.excludes("a.txt"))
        XCTAssertFalse(p.excludes("c.txt"))
        XCTAssertFalse(p.excludes("predict.py"))
    }

    func testLastMatchWins() {
        let p = IgnorePatterns(["!keep.bin", "*.bin"])
        XCTAssertTrue(p.excludes("keep.bin"), "the exception came first, the later pattern wins")
    }
}

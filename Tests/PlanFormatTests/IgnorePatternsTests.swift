import PlanFormat
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

final class IgnorePatternsHostileTests: XCTestCase {
    func testRepeatedDoubleStarsMatchWithoutBlowingUp() {
        // 25 levels of `**/` took exponential time with a backtracking regex; the answer must come.
        let pattern = String(repeating: "**/", count: 25) + "secret.key"
        let p = IgnorePatterns([pattern])
        let deep = (1...30).map { "d\($0)" }.joined(separator: "/")
        XCTAssertTrue(p.excludes(deep + "/secret.key"))
        XCTAssertTrue(p.excludes("secret.key"))
        XCTAssertFalse(p.excludes(deep + "/secret.keys"))
        XCTAssertFalse(p.excludes(deep + "/" + String(repeating: "x", count: 500)))
        let stars = IgnorePatterns([String(repeating: "*", count: 60) + "a"])
        XCTAssertFalse(stars.excludes(String(repeating: "b", count: 2000)))
    }

    func testNamesWithNewlinesAreMatchedLikeAnyOther() {
        let p = IgnorePatterns(["**/*.key", "data/**", "**/cache", "logs/**/x"])
        XCTAssertTrue(p.excludes("a\nb/c.key"))
        XCTAssertTrue(p.excludes("x\n/y\r/c\n.key"))
        XCTAssertTrue(p.excludes("data/line\nbreak"))
        XCTAssertTrue(p.excludes("dir\n/cache"))
        XCTAssertTrue(p.excludes("logs/\n/x"))
        XCTAssertTrue(IgnorePatterns(["*"]).excludes("new\nline"))
        XCTAssertTrue(IgnorePatterns(["?"]).excludes("\n"))
    }

    func testDockerDetails() {
        XCTAssertTrue(IgnorePatterns(["**foo"]).excludes("xfoo"), "a leading ** before plain text is a suffix match")
        XCTAssertTrue(IgnorePatterns(["a/**"]).excludes("a/b/c"))
        XCTAssertFalse(IgnorePatterns(["a/**"]).excludes("ab"))
        XCTAssertTrue(IgnorePatterns(["a/**/b"]).excludes("a/b"))
        XCTAssertTrue(IgnorePatterns(["a/**/b"]).excludes("a/x/y/b/z"), "a match of a folder covers its contents")
        XCTAssertTrue(IgnorePatterns(["[^a]b"]).excludes("cb"))
        XCTAssertFalse(IgnorePatterns(["[^a]b"]).excludes("ab"))
        XCTAssertTrue(IgnorePatterns(["x[a-c]"]).excludes("xb"))
        XCTAssertTrue(IgnorePatterns(["\\*.bin"]).excludes("*.bin"))
        XCTAssertFalse(IgnorePatterns(["\\*.bin"]).excludes("w.bin"))
        XCTAssertEqual(IgnorePatterns(["[z-a]", "[ab", "ok"]).malformed, ["[z-a]", "[ab"])
        XCTAssertEqual(IgnorePatterns(fileText: "\u{FEFF}a\r\nb\u{2028}c\n").patterns.map(\.text), ["a", "b\u{2028}c"],
                       "lines end at \\n only, as Docker reads the file")
    }

    func testLiteralMatchesOnlyThatName() {
        let names = ["w[ab].bin", "wa.bin", "*", "a?b", "back\\slash", "!bang", "#hash", " lead", "trail ", "tab\t", "new\nline",
                     "sub/dir[1]/x*.bin", "a/#b", "a/!b", "a/ b ", "a /b"]
        for name in names {
            let p = IgnorePatterns([IgnorePatterns.literal(name)])
            XCTAssertTrue(p.excludes(name), "\(name) → \(IgnorePatterns.literal(name))")
            XCTAssertFalse(p.patterns[0].exception, name)
            for other in names where other != name && !other.hasPrefix(name + "/") {
                XCTAssertFalse(p.excludes(other), "\(IgnorePatterns.literal(name)) also took \(other)")
            }
        }
        XCTAssertEqual(IgnorePatterns.literal("w[ab].bin"), "w\\[ab\\].bin")
        for part in IgnorePatterns.literal("a/#b/ c").split(separator: "/") {
            XCTAssertEqual(IgnorePatterns([String(part)]).patterns.count, 1, "each folder name stands alone as a pattern: \(part)")
        }
    }
}

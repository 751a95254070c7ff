import Rules
import XCTest

/// The test vectors of the reference implementation of PEP 440, pypa/packaging
/// (tests/test_version.py and tests/test_specifiers.py), as tables.
///
/// Where our model differs from packaging's API the tables say so:
/// - `PEP440Specifier.contains` takes a parsed version, so the vectors that feed `===` a
///   string that is not a version (`===foobar`) or an unnormalized spelling cannot apply; the
///   `Version`-object rows of packaging's `===` tables do.
/// - `contains` always admits pre-releases, as packaging's `Specifier(..., prereleases=True)`:
///   whether a pre-release may be chosen is decided where versions are gathered (the catalog
///   refresh leaves pre-releases out; a requirements file's `--pre` goes to the installer),
///   not by the specifier. The rows that test packaging's default exclusion of pre-releases
///   (`prereleases=None`) are therefore not here.
final class PEP440ReferenceVectorTests: XCTestCase {
    private func version(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> PEP440Version {
        try XCTUnwrap(PEP440Version(text), "'\(text)' should parse", file: file, line: line)
    }

    // MARK: versions

    /// packaging's VERSIONS, in their sort order.
    static let ordered = [
        "1.0.dev0", "1.0.dev456", "1.0.dev456+local", "1.0a0", "1.0a0.post0.dev0", "1.0a0.post0", "1.0a1.dev1",
        "1.0a1.dev1+local", "1.0a1", "1.0a1+local", "1.0b0", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456",
        "1.0b2.post345", "1.0b2-346", "1.0rc0", "1.0rc1.dev1", "1.0c1", "1.0rc2", "1.0", "1.0.post0.dev0",
        "1.0.post0", "1.0.post456.dev34", "1.0.post456", "1.0.post456+local", "1.0.1.dev1", "1.0.1a1", "1.0.1",
        "1.0.1+local", "1.0.1.post1", "1.1.dev1", "1.2+a", "1.2+abc", "1.2+abcdef", "1.2+def", "1.2+0", "1.2+1",
        "1.2+1.abc", "1.2+1.1", "1.2+1.1.0", "1.2+2", "1.2+123", "1.2+123456", "1.2.r32+123456", "1.2.rev33+123456",
        "1!1.0.dev0", "1!1.0.dev456", "1!1.0.dev456+local", "1!1.0a0", "1!1.0a0.post0.dev0", "1!1.0a0.post0",
        "1!1.0a1.dev1", "1!1.0a1.dev1+local", "1!1.0a1", "1!1.0a1+local", "1!1.0b0", "1!1.0b1.dev456", "1!1.0b2",
        "1!1.0b2.post345.dev456", "1!1.0b2.post345", "1!1.0b2-346", "1!1.0rc0", "1!1.0rc1.dev1", "1!1.0c1",
        "1!1.0rc2", "1!1.0", "1!1.0.post0.dev0", "1!1.0.post0", "1!1.0.post456.dev34", "1!1.0.post456",
        "1!1.0.post456+local", "1!1.0.1.dev1", "1!1.0.1a1", "1!1.0.1", "1!1.0.1+local", "1!1.0.1.post1", "1!1.1.dev1",
        "1!1.2+a", "1!1.2+abc", "1!1.2+abcdef", "1!1.2+def", "1!1.2+0", "1!1.2+1", "1!1.2+1.abc", "1!1.2+1.1",
        "1!1.2+1.1.0", "1!1.2+2", "1!1.2+123", "1!1.2+123456", "1!1.2.r32+123456", "1!1.2.rev33+123456",
    ]

    func testEveryPairOfTheOrderedVersionsComparesAsItsPlaceInTheList() throws {
        let parsed = try Self.ordered.map { try version($0) }
        for (i, a) in parsed.enumerated() {
            XCTAssertEqual(a.hashValue, try version(Self.ordered[i]).hashValue, Self.ordered[i])
            for (j, b) in parsed.enumerated() {
                let (x, y) = (Self.ordered[i], Self.ordered[j])
                XCTAssertEqual(a < b, i < j, "\(x) < \(y)")
                XCTAssertEqual(a == b, i == j, "\(x) == \(y)")
                XCTAssertEqual(a > b, i > j, "\(x) > \(y)")
            }
        }
    }

    func testInvalidVersions() {
        let invalid = [
            "french toast", "1.0+a+", "1.0++", "1.0+_foobar", "1.0+foo&asd", "1.0+1+1",
            "1. 0", "1 .0", "1. 0a1", "1 .0a1", "1.0 a1", "1.0a 1",
            "٠١٢.٣٤٥.٦٧٨٩", ".", "..", "1..0", "1.0.", ".1.0", "1..2.3", "1.0+\u{0130}", "lolwat",
        ]
        for text in invalid { XCTAssertNil(PEP440Version(text), "'\(text)' is not a version") }
    }

    func testNormalizedSpellings() throws {
        var table: [(String, String)] = []
        for (spellings, normal) in [
            (["1.0dev", "1.0.dev", "1.0-dev", "1.0DEV", "1.0.DEV", "1.0-DEV"], "1.0.dev0"),
            (["1.0dev1", "1.0-dev1", "1.0DEV1", "1.0.DEV1", "1.0-DEV1"], "1.0.dev1"),
            (["1.0a", "1.0.a", "1.0-a", "1.0alpha", "1.0.alpha", "1.0-alpha", "1.0A", "1.0.A", "1.0-A", "1.0ALPHA", "1.0.ALPHA", "1.0-ALPHA"], "1.0a0"),
            (["1.0.a1", "1.0-a1", "1.0.alpha1", "1.0-alpha1", "1.0.A1", "1.0-A1", "1.0.ALPHA1", "1.0-ALPHA1"], "1.0a1"),
            (["1.0b", "1.0.b", "1.0-b", "1.0beta", "1.0.beta", "1.0-beta", "1.0B", "1.0.B", "1.0-B", "1.0BETA", "1.0.BETA", "1.0-BETA"], "1.0b0"),
            (["1.0.b1", "1.0-b1", "1.0.beta1", "1.0-beta1", "1.0.B1", "1.0-B1", "1.0.BETA1", "1.0-BETA1"], "1.0b1"),
            (["1.0c", "1.0.c", "1.0-c", "1.0rc", "1.0.rc", "1.0-rc", "1.0C", "1.0.C", "1.0-C", "1.0RC", "1.0.RC", "1.0-RC"], "1.0rc0"),
            (["1.0.c1", "1.0-c1", "1.0.rc1", "1.0-rc1", "1.0.C1", "1.0-C1", "1.0.RC1", "1.0-RC1"], "1.0rc1"),
            (["1.0post", "1.0.post", "1.0-post", "1.0POST", "1.0.POST", "1.0r", "1.0rev", "1.0-POST"], "1.0.post0"),
            (["1.0post1", "1.0-post1", "1.0POST1", "1.0.POST1", "1.0.r1", "1.0.rev1", "1.0-POST1"], "1.0.post1"),
            (["1.0-5", "1.0-r5", "1.0-rev5"], "1.0.post5"),
        ] as [([String], String)] {
            table += spellings.map { ($0, normal) }
        }
        table += [
            ("1.0+AbC", "1.0+abc"), ("1.01", "1.1"), ("1.0a05", "1.0a5"), ("1.0b07", "1.0b7"), ("1.0c056", "1.0rc56"),
            ("1.0rc09", "1.0rc9"), ("1.0.post000", "1.0.post0"), ("1.1.dev09000", "1.1.dev9000"), ("00!1.2", "1.2"),
            ("0100!0.0", "100!0.0"), ("v1.0", "1.0"), ("   v1.0\t\n", "1.0"),
            ("\u{202F}1.0\t\u{2029}\n ", "1.0"),
            // Already normal: printed as written.
            ("1.0a2.dev456", "1.0a2.dev456"), ("1.0b2.post345.dev456", "1.0b2.post345.dev456"), ("0!1.0.2", "1.0.2"),
            ("0!1.0.4+8.0", "1.0.4+8.0"), ("1.2+123abc456", "1.2+123abc456"), ("7!1.0.post456.dev34", "7!1.0.post456.dev34"),
            ("7!1.0.5+9.5", "7!1.0.5+9.5"),
        ]
        for (text, normal) in table {
            XCTAssertEqual(try version(text).description, normal, text)
        }
        XCTAssertEqual(try version("1.0rc1"), try version("1.0c1"))
    }

    func testParts() throws {
        // version: epoch, release, pre, post, dev, local, public, pre-release?
        let rows: [(String, Int, [Int], String?, Int?, Int?, String, String, Bool)] = [
            ("1.0", 0, [1, 0], nil, nil, nil, "", "1.0", false),
            ("1.0.dev6", 0, [1, 0], nil, nil, 6, "", "1.0.dev6", true),
            ("1.0a1.post5.dev6", 0, [1, 0], "a1", 5, 6, "", "1.0a1.post5.dev6", true),
            ("1.0rc4", 0, [1, 0], "rc4", nil, nil, "", "1.0rc4", true),
            ("1.0.post5", 0, [1, 0], nil, 5, nil, "", "1.0.post5", false),
            ("1!1.0a1.post5", 1, [1, 0], "a1", 5, nil, "", "1!1.0a1.post5", true),
            ("1.0+deadbeef", 0, [1, 0], nil, nil, nil, "deadbeef", "1.0", false),
            ("1.0a1.post5.dev6+deadbeef", 0, [1, 0], "a1", 5, 6, "deadbeef", "1.0a1.post5.dev6", true),
            ("1!1.0.post5+deadbeef", 1, [1, 0], nil, 5, nil, "deadbeef", "1!1.0.post5", false),
            ("1.0.post1+dev", 0, [1, 0], nil, 1, nil, "dev", "1.0.post1", false),
            ("1.0c1.post1.dev1", 0, [1, 0], "rc1", 1, 1, "", "1.0rc1.post1.dev1", true),
        ]
        for (text, epoch, release, pre, post, dev, local, public_, prerelease) in rows {
            let v = try version(text)
            XCTAssertEqual(v.epoch, epoch, text)
            XCTAssertEqual(v.release, release, text)
            XCTAssertEqual(v.pre.map { "\($0.kind)\($0.number)" }, pre, text)
            XCTAssertEqual(v.post, post, text)
            XCTAssertEqual(v.dev, dev, text)
            XCTAssertEqual(v.local.joined(separator: "."), local, text)
            XCTAssertEqual(v.public_.description, public_, text)
            XCTAssertEqual(v.isPrerelease, prerelease, text)
        }
    }

    // MARK: specifiers

    func testValidAndInvalidSpecifiers() {
        for text in ["~=2.0", "==2.1.*", "==2.1.0.3", "!=2.2.*", "!=2.2.0.5", "<=5", ">=7.9a1", "<1.0.dev1", ">2.0.post1",
                     "~=1.0.dev1", "===lolwat", "===1.0.0+local"] {
            XCTAssertNotNil(PEP440Specifier(text), text)
        }
        let invalid = [
            "2.0", "=>2.0", "==",
            "~=1.0+5", ">=1.0+deadbeef", "<=1.0+abc123", ">1.0+watwat", "<1.0+1.0",
            "~=1.0.*", ">=1.0.*", "<=1.0.*", ">1.0.*", "<1.0.*",
            "==1.0.*+5", "!=1.0.*+deadbeef",
            "==2.0a1.*", "!=2.0a1.*", "==2.0.post1.*", "!=2.0.post1.*", "==2.0.dev1.*", "!=2.0.dev1.*",
            "==1.0+5.*", "!=1.0+deadbeef.*", "==1.0.*.5", "~=1", "==1.0.dev1.*", "!=1.0.dev1.*",
            "==1.2+\u{0130}", "==1.2+\u{0130}\u{0131}\u{017F}K",
        ]
        for text in invalid { XCTAssertNil(PEP440Specifier(text), "'\(text)' is not a specifier") }
    }

    /// Every operator takes every spelling a version may have (locals only with == and !=),
    /// with the whitespace around it.
    func testSpecifiersTakeEverySpellingOfAVersion() {
        let spellings = ["1.0dev", "1.0.dev", "1.0-DEV1", "1.0a", "1.0-ALPHA1", "1.0.beta", "1.0C", "1.0-rc1", "1.0post",
                         "1.0.POST1", "1.0-5", "1.01", "1.0c056", "1.0.post000", "1.1.dev09000", "00!1.2", "0100!0.0",
                         "v1.0", "  \r \u{0C} \u{0B} v1.0\t\n"]
        for text in spellings {
            for op in ["~=", "==", "!=", "<=", ">=", "<", ">"] {
                XCTAssertNotNil(PEP440Specifier(op + text), "'\(op + text)'")
            }
        }
        XCTAssertNotNil(PEP440Specifier("==1.0+AbC"))
        XCTAssertNotNil(PEP440Specifier("!=1.0+AbC"))
        XCTAssertEqual(PEP440Specifier("< 2")?.description, "<2")
    }

    /// packaging's `test_specifiers` (with `prereleases=True`) and the `>V` / `<V` rows of
    /// `test_specifiers_prereleases` that decide by the version alone.
    static let contains: [(String, String, Bool)] = [
        // ==
        ("2.0", "==2", true), ("2.0", "==2.0", true), ("2.0", "==2.0.0", true), ("2.0+deadbeef", "==2", true),
        ("2.0+deadbeef", "==2.0", true), ("2.0+deadbeef", "==2.0.0", true), ("2.0+deadbeef", "==2+deadbeef", true),
        ("2.0+deadbeef", "==2.0+deadbeef", true), ("2.0+deadbeef", "==2.0.0+deadbeef", true),
        ("2.0+deadbeef.0", "==2.0.0+deadbeef.00", true),
        ("2.1", "==2", false), ("2.1", "==2.0", false), ("2.1", "==2.0.0", false), ("2.0", "==2.0+deadbeef", false),
        // == with a prefix
        ("2.dev1", "==2.*", true), ("2a1", "==2.*", true), ("2a1.post1", "==2.*", true), ("2b1", "==2.*", true),
        ("2b1.dev1", "==2.*", true), ("2c1", "==2.*", true), ("2c1.post1.dev1", "==2.*", true),
        ("2c1.post1.dev1", "==2.0.*", true), ("2rc1", "==2.*", true), ("2rc1", "==2.0.*", true), ("2", "==2.*", true),
        ("2", "==2.0.*", true), ("2", "==2.0.0.*", true), ("2", "==0!2.*", true), ("0!2", "==2.*", true),
        ("2.0", "==2.*", true), ("2.0.0", "==2.*", true), ("2.0.0.0", "==2.0.*", true), ("2.1+local.version", "==2.1.*", true),
        ("2.0", "==3.*", false), ("2.1", "==2.0.*", false), ("3", "==2.0.0.*", false), ("2.1.0.0", "==2.0.*", false),
        // !=
        ("2.1", "!=2", true), ("2.1", "!=2.0", true), ("2.0.1", "!=2", true), ("2.0.1", "!=2.0", true),
        ("2.0.1", "!=2.0.0", true), ("2.0", "!=2.0+deadbeef", true),
        ("2.0", "!=2", false), ("2.0", "!=2.0", false), ("2.0", "!=2.0.0", false), ("2.0+deadbeef", "!=2", false),
        ("2.0+deadbeef", "!=2.0", false), ("2.0+deadbeef", "!=2.0.0", false), ("2.0+deadbeef", "!=2+deadbeef", false),
        ("2.0+deadbeef", "!=2.0+deadbeef", false), ("2.0+deadbeef", "!=2.0.0+deadbeef", false),
        ("2.0+deadbeef.0", "!=2.0.0+deadbeef.00", false),
        // != with a prefix
        ("2.0", "!=3.*", true), ("2.1", "!=2.0.*", true), ("3", "!=2.0.0.*", true), ("2.1.0.0", "!=2.0.*", true),
        ("2.dev1", "!=2.*", false), ("2a1", "!=2.*", false), ("2a1.post1", "!=2.*", false), ("2b1", "!=2.*", false),
        ("2b1.dev1", "!=2.*", false), ("2c1", "!=2.*", false), ("2c1.post1.dev1", "!=2.*", false),
        ("2c1.post1.dev1", "!=2.0.*", false), ("2rc1", "!=2.*", false), ("2rc1", "!=2.0.*", false), ("2", "!=2.*", false),
        ("2", "!=2.0.*", false), ("2", "!=2.0.0.*", false), ("2.0", "!=2.*", false), ("2.0.0", "!=2.*", false),
        ("2.0.0.0", "!=2.0.*", false),
        // >=
        ("2.0", ">=2", true), ("2.0", ">=2.0", true), ("2.0", ">=2.0.0", true), ("2.0.post1", ">=2", true),
        ("2.0.post1.dev1", ">=2", true), ("3", ">=2", true), ("3.0.0a8", ">=3.0.0a7", true),
        ("2.0.dev1", ">=2", false), ("2.0a1", ">=2", false), ("2.0a1.dev1", ">=2", false), ("2.0b1", ">=2", false),
        ("2.0b1.post1", ">=2", false), ("2.0c1", ">=2", false), ("2.0c1.post1.dev1", ">=2", false), ("2.0rc1", ">=2", false),
        ("1", ">=2", false),
        // <=
        ("2.0", "<=2", true), ("2.0", "<=2.0", true), ("2.0", "<=2.0.0", true), ("2.0.dev1", "<=2", true),
        ("2.0a1", "<=2", true), ("2.0a1.dev1", "<=2", true), ("2.0b1", "<=2", true), ("2.0b1.post1", "<=2", true),
        ("2.0c1", "<=2", true), ("2.0c1.post1.dev1", "<=2", true), ("2.0rc1", "<=2", true), ("1", "<=2", true),
        ("3.0.0a7", "<=3.0.0a8", true),
        ("2.0.post1", "<=2", false), ("2.0.post1.dev1", "<=2", false), ("3", "<=2", false),
        // >
        ("3", ">2", true), ("2.1", ">2.0", true), ("2.0.1", ">2", true), ("2.1.post1", ">2", true),
        ("2.1+local.version", ">2", true), ("3.0.0a8", ">3.0.0a7", true), ("2.0.5", ">2.0dev", true),
        ("1.0+local", ">1.0.dev1", true), ("4.1.0a2.dev1235+local", ">4.1.0a2.dev1234", true), ("1.0a2+local", ">1.0a1", true),
        ("1.0b2+local", ">1.0b1", true), ("1.0rc2+local", ">1.0rc1", true), ("1.0.post2+local", ">1.0.post1", true),
        ("1.0.dev2+local", ">1.0.dev1", true), ("1.0a1.dev2+local", ">1.0a1.dev1", true),
        ("1.0.post1.dev2+local", ">1.0.post1.dev1", true),
        ("1", ">2", false), ("2.0.dev1", ">2", false), ("2.0a1", ">2", false), ("2.0a1.post1", ">2", false),
        ("2.0b1", ">2", false), ("2.0b1.dev1", ">2", false), ("2.0c1", ">2", false), ("2.0c1.post1.dev1", ">2", false),
        ("2.0rc1", ">2", false), ("2.0", ">2", false), ("2.0.post1", ">2", false), ("2.0.post1.dev1", ">2", false),
        ("2.0+local.version", ">2", false), ("4.1.0a2.dev1234+local", ">4.1.0a2.dev1234", false),
        ("1.0a1+local", ">1.0a1", false), ("1.0b1+local", ">1.0b1", false), ("1.0rc1+local", ">1.0rc1", false),
        ("1.0.post1+local", ">1.0.post1", false), ("1.0.dev1+local", ">1.0.dev1", false),
        ("1.0a1.dev1+local", ">1.0a1.dev1", false), ("1.0.post1.dev1+local", ">1.0.post1.dev1", false),
        // > V: only V's own post-releases are left out, not those of V's release when V is a
        // pre- or dev release.
        ("1.0.dev0", ">1.0.dev1", false), ("1.0.dev2", ">1.0.dev1", true), ("1.0.post0", ">1.0.dev1", true),
        ("1.0.post1", ">1.0.dev1", true), ("1.0.post0", ">1.0.dev0", true), ("1.0.post0", ">1.0a1", true),
        ("1.0.post0", ">1.0b1", true), ("1.0.post0", ">1.0rc1", true), ("1.0a1.post0", ">1.0a1", false),
        ("1.0b2.post0", ">1.0b2", false), ("1.0rc1.post0", ">1.0rc1", false), ("1.0a2.post0", ">1.0a1", true),
        ("1.0b2.post0", ">1.0b1", true), ("1.0", ">1.0.dev1", true), ("1.0a1", ">1.0.dev1", true), ("1.1", ">1.0.dev1", true),
        ("1.0.post0", ">1.0", false), ("1.0.post1", ">1.0", false), ("2.0.post0", ">1.0", true), ("0.9.post0", ">1.0", false),
        ("1.1.post0", ">1.0.dev1", true), ("0.9.post0", ">1.0.dev1", false),
        // <
        ("1", "<2", true), ("2.0", "<2.1", true), ("2.0.dev0", "<2.1", true), ("3.0.0a7", "<3.0.0a8", true),
        ("2.0.dev1", "<2", false), ("2.0a1", "<2", false), ("2.0a1.post1", "<2", false), ("2.0b1", "<2", false),
        ("2.0b2.dev1", "<2", false), ("2.0c1", "<2", false), ("2.0c1.post1.dev1", "<2", false), ("2.0rc1", "<2", false),
        ("2.0", "<2", false), ("2.post1", "<2", false), ("2.post1.dev1", "<2", false), ("3", "<2", false),
        ("2.0a1", "<2.0", false), ("2.0a1", "<2.0a2", true),
        // < V: only V's own pre-releases are left out, not those of V's release when V is a
        // post-release.
        ("1.0.post1.dev0", "<1.0.post1", false), ("1.0.post0.dev0", "<1.0.post0", false), ("1.0.dev0", "<1.0.post1", true),
        ("1.0a1", "<1.0.post1", true), ("1.0rc1", "<1.0.post1", true), ("1.0.dev0", "<1.0.post0", true),
        ("1.0a1", "<1.0.post0", true), ("1.0b1", "<1.0.post0", true), ("1.0rc2", "<1.0.post0", true),
        ("1.0.post0.dev0", "<1.0.post1", true), ("1.0.post1.dev0", "<1.0.post2", true), ("1.0", "<1.0.post1", true),
        ("1.0.post0", "<1.0.post1", true), ("0.9", "<1.0.post1", true), ("1.0", "<1.0.post0", true),
        ("1.0.dev0", "<1.0.post10", true), ("1.0.post9.dev0", "<1.0.post10", true), ("1.0.post9", "<1.0.post10", true),
        ("1.0+local", "<1.0.post1", true), ("1.0.post0+local", "<1.0.post1", true), ("0.9.dev0", "<1.0.post1", true),
        // ~=
        ("1", "~=1.0", true), ("1.0.1", "~=1.0", true), ("1.1", "~=1.0", true), ("1.9999999", "~=1.0", true),
        ("1.1", "~=1.0a1", true), ("2022.01.01", "~=2022.01.01", true),
        ("2.0", "~=1.0", false), ("1.1.0", "~=1.0.0", false), ("1.1.post1", "~=1.0.0", false),
        ("1.4.2", "~=1.4.2", true), ("1.4.3.dev1", "~=1.4.2", true), ("1.4.3a1", "~=1.4.2", true), ("1.4.3", "~=1.4.2", true),
        ("1.4.3.post1", "~=1.4.2", true), ("1.4.3+local", "~=1.4.2", true), ("1.4.1", "~=1.4.2", false),
        ("1.4.1.post1", "~=1.4.2", false), ("1.5.0.dev0", "~=1.4.2", false), ("1.5.0a1", "~=1.4.2", false),
        ("1.5.0", "~=1.4.2", false), ("2.0", "~=1.4.2", false), ("2.0+local", "~=1.4.2", false),
        // epochs
        ("2!1.0", "~=2!1.0", true), ("2!1.0", "==2!1.*", true), ("2!1.0", "==2!1.0", true), ("2!1.0", "!=1.0", true),
        ("2!1.0.0", "==2!1.0.0.0.*", true), ("2!1.0.0", "==2!1.0.*", true), ("2!1.0.0", "==2!1.*", true),
        ("1.0", "!=2!1.0", true), ("1.0", "<=2!0.1", true), ("2!1.0", ">=2.0", true), ("1.0", "<2!0.1", true),
        ("2!1.0", ">2.0", true),
        ("1.0", "~=2!1.0", false), ("2!1.0", "~=1.0", false), ("2!1.0", "==1.0", false), ("1.0", "==2!1.0", false),
        ("2!1.0", "==1.0.0.*", false), ("1.0", "==2!1.0.0.*", false), ("2!1.0", "==1.*", false), ("1.0", "==2!1.*", false),
        ("2!1.0", "!=2!1.0", false),
    ]

    func testContains() throws {
        for (text, spec, expected) in Self.contains {
            let specifier = try XCTUnwrap(PEP440Specifier(spec), spec)
            XCTAssertEqual(specifier.contains(try version(text)), expected, "\(text) in \(spec)")
        }
    }

    /// `===`: the candidate's normal form against the specifier's text, case aside (packaging's
    /// rows that pass a `Version`).
    func testArbitraryEquality() throws {
        let rows: [(String, String, Bool)] = [
            ("1.0.0", "===1.0", false), ("1.0.dev0", "===1.0", false), ("1.0", "===1.0", true),
            ("1.0.dev0", "===1.0.dev0", true), ("1.0+downstream1", "===1.0", false), ("1.0", "===1.0+downstream1", false),
            ("1.0a1", "===1.0A1", true), ("1.0A1", "===1.0a1", true), ("1.0b1", "===1.0B1", true), ("1.0RC1", "===1.0rc1", true),
            ("1.0.post1", "===1.0.POST1", true), ("1.0.DEV1", "===1.0.dev1", true), ("1.0+LOCAL", "===1.0+local", true),
            ("1.0+abc.def", "===1.0+ABC.DEF", true), ("1.0+AbC", "===1.0+abc", true),
            ("1.0A1.POST2.DEV3", "===1.0a1.post2.dev3", true),
            ("1.01", "===1.1", true), ("1.1", "===1.1", true), ("1.01", "===1.01", false), ("1.1", "===1.01", false),
            ("1.a1", "===1.a1", false), ("1.a1", "===1a1", true), ("1.0", "===0!1.0", false), ("0!1.0", "===1.0", true),
            ("1.0", "===01.0", false), ("01.0", "===1.0", true), ("1.0.post1", "===1.0-1", false), ("1.0-1", "===1.0.post1", true),
            ("1.0.dev1", "===1.0.dev01", false), ("1.0.dev01", "===1.0.dev1", true),
        ]
        for (text, spec, expected) in rows {
            let specifier = try XCTUnwrap(PEP440Specifier(spec), spec)
            XCTAssertEqual(specifier.contains(try version(text)), expected, "\(text) in \(spec)")
        }
    }

    func testSets() throws {
        XCTAssertEqual(PEP440SpecifierSet("")?.clauses.count, 0)
        XCTAssertEqual(PEP440SpecifierSet("==2.0")?.clauses.count, 1)
        XCTAssertEqual(PEP440SpecifierSet(">=2.0,<3")?.clauses.map(\.description), [">=2.0", "<3"])
        XCTAssertEqual(PEP440SpecifierSet(">=2.0,<3,==2.4")?.clauses.count, 3)
        let any = try XCTUnwrap(PEP440SpecifierSet(""))
        for text in Self.ordered { XCTAssertTrue(any.contains(try version(text)), text) }
    }
}

import Planner
import Rules
import XCTest

final class MarkerTests: XCTestCase {
    private let py311 = Marker.Environment(python: DottedVersion("3.11")!)

    private func holds(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool? {
        guard let m = Marker(text) else { XCTFail("'\(text)' did not parse", file: file, line: line); return nil }
        return m.evaluate(py311)
    }

    func testPlatformMarkers() {
        XCTAssertEqual(holds(#"sys_platform == "linux""#), true)
        XCTAssertEqual(holds(#"sys_platform == 'darwin'"#), false)
        XCTAssertEqual(holds(#"platform_system != "Windows" and platform_machine == "x86_64""#), true)
        XCTAssertEqual(holds(#"platform_machine == "aarch64" or os_name == "nt""#), false)
        XCTAssertEqual(holds(#""linux" in sys_platform"#), true)
        XCTAssertEqual(holds(#"sys_platform not in "win32 cygwin""#), true)
    }

    func testPythonVersionsCompareAsVersions() {
        // As strings "3.11" < "3.9"; as versions it is not.
        XCTAssertEqual(holds(#"python_version >= "3.9""#), true)
        XCTAssertEqual(holds(#"python_version < "3.10""#), false)
        XCTAssertEqual(holds(#"python_full_version >= "3.11.0""#), true)
        XCTAssertEqual(holds(#"(python_version < "3.8" or python_version >= "3.11") and sys_platform == "linux""#), true)
    }

    func testGarbageIsNotAMarker() {
        XCTAssertNil(Marker(#"python_version >="#))
        XCTAssertNil(Marker(#"pyversion == "3""#))
        XCTAssertNil(Marker(#"(sys_platform == "linux""#))
        XCTAssertNil(Marker(#"sys_platform == "linux" extra"#))
    }

    func testHugeMarkersAreRefusedInsteadOfOverflowingTheStack() {
        // Inputs past the 4 KiB that libFuzzer generates, written by hand and run through the
        // Markers fuzz target: the recursive parser and evaluation ran out of stack on a
        // requirements line of deeply nested or endlessly chained clauses. Such a marker is now
        // "not one cogpack can read".
        let clause = #"os_name == "posix""#
        XCTAssertNil(Marker(String(repeating: "(", count: 200_000) + clause + String(repeating: ")", count: 200_000)))
        XCTAssertNil(Marker(Array(repeating: clause, count: 300_000).joined(separator: " and ")))
        let nested = String(repeating: "(", count: 30) + clause + String(repeating: ")", count: 30)
        XCTAssertEqual(Marker(nested)?.evaluate(py311), true)
        XCTAssertEqual(Marker(Array(repeating: clause, count: 200).joined(separator: " or "))?.evaluate(py311), true)
    }
}

@testable import Planner
import XCTest

/// Which programs a run: line calls, as the shell splits it into commands.
final class ShellProgramsTests: XCTestCase {
    func testFirstWordOfEverySimpleCommand() {
        let cases: [(String, [String])] = [
            ("curl -fsSL https://x -o /usr/local/bin/pget && chmod +x /usr/local/bin/pget", ["curl", "chmod"]),
            ("wget -qO- https://x | tar xz -C /opt", ["wget", "tar"]),
            ("a; b || c & d", ["a", "b", "c", "d"]),
            ("/usr/bin/git clone x", ["git"]),
            ("A=1 B=two curl x", ["curl"]),
            ("sudo -E env -i PATH=/bin unzip x.zip", ["unzip"]),
            ("echo \"curl; wget\" && echo 'git | unzip'", ["echo"]),
            ("echo $(curl -s x) `wget -q y`", ["echo", "curl", "wget"]),
            ("if command -v git; then git pull; fi", ["git", "fi"]),
            ("(cd /opt && make install)", ["cd", "make"]),
            ("xargs -n1 curl -O < urls.txt", ["curl"]),
            ("pip install x # and curl in a comment", ["pip"]),
            ("echo a\\;curl", ["echo"]),
            ("", []),
        ]
        for (line, expected) in cases {
            XCTAssertEqual(ShellPrograms.programs(in: line), expected, line)
        }
    }

    func testAssignmentsAreNotPrograms() {
        XCTAssertTrue(ShellPrograms.isAssignment("A=1"))
        XCTAssertTrue(ShellPrograms.isAssignment("_x2=/a=b"))
        XCTAssertFalse(ShellPrograms.isAssignment("=1"))
        XCTAssertFalse(ShellPrograms.isAssignment("1A=1"))
        XCTAssertFalse(ShellPrograms.isAssignment("--opt=1"))
    }

    /// An unterminated quote or a trailing backslash ends the line without a crash.
    func testMalformedLinesEnd() {
        XCTAssertEqual(ShellPrograms.programs(in: "curl \"unterminated"), ["curl"])
        XCTAssertEqual(ShellPrograms.programs(in: "git\\"), ["git"])
        XCTAssertEqual(ShellPrograms.programs(in: "$("), [])
    }
}

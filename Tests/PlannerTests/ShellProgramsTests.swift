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

    /// What a line sets in the environment of its commands: assignments before a command and
    /// after `export`/`env`, not an option that looks like one.
    func testTheVariablesALineSets() {
        let cases: [(String, [String])] = [
            ("TORCH_CUDA_ARCH_LIST=\"8.0;8.6\" pip install .", ["TORCH_CUDA_ARCH_LIST"]),
            ("export FORCE_CUDA=1 && pip install .", ["FORCE_CUDA"]),
            ("export A=1 B=2; env C=3 make", ["A", "B", "C"]),
            ("cd x && MAX_JOBS=4 python setup.py install", ["MAX_JOBS"]),
            ("pip install --config-settings=A=1 .", []),
            ("echo FORCE_CUDA=1", []),
        ]
        for (line, expected) in cases {
            XCTAssertEqual(ShellPrograms.assignments(in: line), expected, line)
        }
    }

    /// The argument words of a line's commands: not the programs, not the assignments.
    func testTheArgumentsOfALine() {
        XCTAssertEqual(ShellPrograms.arguments(in: "A=1 pip install --no-build-isolation . && nvcc -O3 k.cu"),
                       ["install", "--no-build-isolation", ".", "-O3", "k.cu"])
        XCTAssertEqual(ShellPrograms.arguments(in: "echo 'pip --no-build-isolation'"), ["pip --no-build-isolation"])
    }
}

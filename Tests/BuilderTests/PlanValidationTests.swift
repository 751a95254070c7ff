@testable import Builder
import Foundation
import PlanFormat
import XCTest

/// A plan read from a file is checked before the compiler turns its values into integers,
/// sources and session requests: each damaged value is refused with the file, the line when it
/// can be found, and what to write; nothing reaches a trap.
final class PlanValidationTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The system-run example: copies with owners, mkfile, secrets, caches and generated files.
    private func snapshot() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.repo.appendingPathComponent("Tests/PlannerTests/Snapshots/system-run.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Edits the JSON object of a plan, writes it as cogpack does (pretty, sorted) and decodes it.
    private func decode(_ edit: (inout [String: Any]) -> Void) throws -> Plan {
        var object = try snapshot()
        edit(&object)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return try Plan.decode(data, display: "plan.json")
    }

    private func stages(_ o: [String: Any]) -> [[String: Any]] { o["stages"] as? [[String: Any]] ?? [] }

    /// Appends an operation to the last stage.
    private func appending(_ op: [String: Any]) -> (inout [String: Any]) -> Void {
        { o in
            var s = self.stages(o)
            var ops = s[s.count - 1]["operations"] as? [[String: Any]] ?? []
            ops.append(op)
            s[s.count - 1]["operations"] = ops
            o["stages"] = s
        }
    }

    private func settingBaseImage(_ image: String) -> (inout [String: Any]) -> Void {
        { o in
            var s = self.stages(o)
            s[0]["source"] = ["type": "image", "image": image]
            o["stages"] = s
        }
    }

    private func generatedFile(_ path: String, mode: Any) -> (inout [String: Any]) -> Void {
        { o in
            var contexts = o["contexts"] as? [String: Any] ?? [:]
            contexts["extra"] = ["kind": "generated", "block": "test", "description": "", "excludes": [String](),
                                 "files": [path: ["content": "x", "mode": mode]]]
            o["contexts"] = contexts
        }
    }

    /// Mutation → a part of the message; every one must be an InputError naming plan.json.
    private var cases: [(String, (inout [String: Any]) -> Void, String)] {
        [
            ("image @", settingBaseImage("@"), "image '@' is not an image reference"),
            ("image /", settingBaseImage("/"), "image '/' is not an image reference"),
            ("image :", settingBaseImage(":"), "image ':' is not an image reference"),
            ("image upper", settingBaseImage("Python:3"), "must be lower-case"),
            ("image with newline", settingBaseImage("python\n:3"), "a line feed"),
            ("mkfile mode 2^40", appending(["type": "mkfile", "path": "/x", "content": "", "mode": 1 << 40]), "mode 1099511627776 is not permission bits"),
            ("mkfile mode -1", appending(["type": "mkfile", "path": "/x", "content": "", "mode": -1]), "mode -1 is not permission bits"),
            ("mkdir mode 0o10000", appending(["type": "mkdir", "path": "/x", "mode": 0o10000, "parents": true]), "mode 4096 is not permission bits"),
            ("copy mode 2^33", appending(["type": "copy", "from": ["type": "scratch"], "src": ["/"], "dest": "/", "excludes": [String](), "mode": 1 << 33]), "is not permission bits"),
            ("copy owner beyond 32 bits", appending(["type": "copy", "from": ["type": "scratch"], "src": ["/"], "dest": "/", "excludes": [String](), "owner": "4294967296:0"]), "must be UID:GID"),
            ("copy owner words", appending(["type": "copy", "from": ["type": "scratch"], "src": ["/"], "dest": "/", "excludes": [String](), "owner": "root:root"]), "must be UID:GID"),
            ("copy owner negative", appending(["type": "copy", "from": ["type": "scratch"], "src": ["/"], "dest": "/", "excludes": [String](), "owner": "-1:-1"]), "must be UID:GID"),
            ("copy from a later stage", appending(["type": "copy", "from": ["type": "stage", "stage": "nowhere"], "src": ["/"], "dest": "/", "excludes": [String]()]), "does not come before it"),
            ("copy of nothing", appending(["type": "copy", "from": ["type": "scratch"], "src": [String](), "dest": "/", "excludes": [String]()]), "src must list paths"),
            ("exec without argv", appending(["type": "exec", "argv": [String](), "env": [String](), "mounts": [Any](), "network": false, "label": "x"]), "argv must name a program"),
            ("exec with a relative mount", appending(["type": "exec", "argv": ["/bin/true"], "env": [String](), "network": false, "label": "x",
                                                      "mounts": [["type": "tmpfs", "target": "tmp"]]]), "must be an absolute path"),
            ("exec with a relative wheelhouse mount", appending(["type": "exec", "argv": ["/bin/true"], "env": [String](), "network": false, "label": "x",
                                                                 "mounts": [["type": "wheelhouse", "target": "wheels"]]]), "must be an absolute path"),
            ("exec that writes a relative folder", appending(["type": "exec", "argv": ["/bin/true"], "env": [String](), "mounts": [Any](), "network": false, "label": "x",
                                                              "writes": ["venv"]]), "writes 'venv' must be an absolute folder"),
            ("exec that writes above the root", appending(["type": "exec", "argv": ["/bin/true"], "env": [String](), "mounts": [Any](), "network": false, "label": "x",
                                                           "writes": ["/venv/../etc"]]), "without '..'"),
            ("a plan of the first format", { o in o["format"] = "cogpack.plan/1" }, "is not cogpack.plan/2; write it again"),
            ("exec with an env without key", appending(["type": "exec", "argv": ["/bin/true"], "env": ["=x"], "mounts": [Any](), "network": false, "label": "x"]), "must be KEY=VALUE"),
            ("generated mode 2^40", generatedFile("f", mode: 1 << 40), "has mode 1099511627776"),
            ("generated mode setuid", generatedFile("f", mode: 0o4755), "between 0 and 511"),
            ("generated path escapes", generatedFile("../../etc/passwd", mode: 420), "'..' component"),
            ("generated path absolute", generatedFile("/etc/passwd", mode: 420), "is absolute"),
            ("generated path control", generatedFile("a\rb", mode: 420), "control characters"),
            ("platform", { o in o["platform"] = ["os": "linux", "arch": "amd64; rm"] }, "platform arch"),
            ("exposed port", { o in
                var e = o["export"] as? [String: Any] ?? [:]
                e["exposed_ports"] = ["99999/tcp"]
                o["export"] = e
            }, "exposed port '99999/tcp'"),
        ]
    }

    func testTheSnapshotIsValid() throws {
        XCTAssertNoThrow(try decode { _ in })
    }

    func testDamagedValuesAreInputErrorsWithWhatToWrite() throws {
        for (name, edit, expected) in cases {
            XCTAssertThrowsError(try decode(edit), name) { error in
                guard let e = error as? InputError else { return XCTFail("\(name): \(error) is not an InputError") }
                XCTAssertEqual(e.source.file, "plan.json", name)
                XCTAssertTrue(e.message.contains(expected), "\(name): '\(e.message)' does not say '\(expected)'")
                XCTAssertFalse(e.description.contains("\n"), "\(name): one line")
            }
        }
    }

    func testTheLineOfABadValueIsNamed() throws {
        var object = try snapshot()
        settingBaseImage("UPPER")(&object)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertThrowsError(try Plan.decode(data, display: "plan.json")) { error in
            guard let e = error as? InputError, let line = e.source.line else { return XCTFail("\(error) names no line") }
            XCTAssertTrue(lines[line - 1].contains("\"UPPER\""), String(lines[line - 1]))
        }
    }

    func testNumbersBeyondSixtyFourBitsAndFractionsAreNamedByPath() throws {
        var text = String(decoding: try Data(contentsOf: Self.repo.appendingPathComponent("Tests/PlannerTests/Snapshots/system-run.json")), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"mode\" : 420", with: "\"mode\" : 99999999999999999999999")
        XCTAssertThrowsError(try Plan.decode(Data(text.utf8), display: "plan.json")) { error in
            XCTAssertTrue("\(error)".contains(".mode: a number is not a whole number"), "\(error)")
        }
    }

    func testBrokenJSONNamesItsLine() throws {
        let text = "{\n  \"format\" : \"cogpack.plan/2\",\n  oops\n}\n"
        XCTAssertThrowsError(try Plan.decode(Data(text.utf8), display: "plan.json")) { error in
            guard let e = error as? InputError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.source.line, 3, "\(e)")
            XCTAssertTrue(e.message.contains("not JSON"), e.message)
        }
    }

    /// What validation guarantees is what the compiler relies on: a plan that decodes compiles.
    func testEveryValidatedModeAndOwnerCompiles() throws {
        let plan = try decode(appending(["type": "copy", "from": ["type": "scratch"], "src": ["/"], "dest": "/", "excludes": [String](),
                                         "owner": "\(UInt32.max):0", "mode": 0o7777]))
        var compiler = PlanCompiler(plan: plan, inputs: .init())
        XCTAssertNoThrow(try compiler.compile())
    }
}

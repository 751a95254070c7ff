import Foundation
import XCTest

/// Bad command lines, each from `Hostile/cases.json`: the exit code, and one line of error that
/// names the flag (or file and line), what is wrong and what to write, in JSON under `--json`.
/// No case reaches the engine: the engine address is a socket that does not exist.
final class HostileInputTests: XCTestCase {
    struct Case: Decodable {
        let name: String
        let argv: [String]
        let exit: Int32
        let message: String
        let env: [String: String]?
        let plan_edits: [PlanEdit]?
        let plan_truncate: Int?
        let json: Bool?
    }

    struct Cases: Decodable { let cases: [Case] }

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Hostile/cases.json")

    func testEveryCaseExitsWithItsCodeAndOneLineNamingTheFlag() throws {
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: Self.file)).cases
        XCTAssertGreaterThan(cases.count, 40)
        let fixture = try HostileFixture()
        for (index, c) in cases.enumerated() {
            var places = [
                "{model}": fixture.model.path, "{sentinel}": fixture.sentinel.path, "{fifo}": fixture.fifo.path,
                "{root}": fixture.root.path,
                "{model-lf}": fixture.root.appendingPathComponent("cases/a\nb").path,
                "{model-cr}": fixture.root.appendingPathComponent("cases/a\rb").path,
            ]
            if c.plan_edits != nil || c.plan_truncate != nil {
                var data = try HostileFixture.snapshot()
                if let edits = c.plan_edits { data = try PlanEdit.apply(edits, to: data) }
                if let n = c.plan_truncate { data = data.prefix(n) }
                places["{plan}"] = try fixture.plan(named: "case-\(index)", data).path
            }
            let fill = { (s: String) in places.reduce(s) { $0.replacingOccurrences(of: $1.key, with: $1.value) } }
            let env = fixture.environment.merging(c.env ?? [:]) { $1 }
            let outcome = try BoundedRun.run(c.argv.map(fill), environment: env)
            let what = "\(c.name): \(outcome.output)"
            if let broken = fixture.breakage(outcome) {
                XCTFail("\(c.name): \(broken)")
                continue
            }
            XCTAssertEqual(outcome.exitCode, c.exit, what)
            let expected = fill(c.message)
            if c.json == true {
                let object = try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
                XCTAssertEqual(object?["status"] as? String, "error", what)
                let error = object?["error"] as? [String: String] ?? [:]
                XCTAssertTrue("\(error["source"] ?? ""): \(error["message"] ?? "")".contains(expected), "\(c.name): expected '\(expected)' in \(outcome.stdout)")
            } else {
                let lines = outcome.stderr.split(separator: "\n")
                XCTAssertEqual(lines.count, 1, "\(c.name): one line of error, got: \(outcome.stderr)")
                XCTAssertTrue(outcome.stderr.hasPrefix("error: "), what)
                XCTAssertTrue(outcome.stderr.contains(expected), "\(c.name): expected '\(expected)' in \(outcome.stderr)")
            }
        }
    }
}

/// A change to a plan's JSON: `path` is dotted keys and indexes (`stages.-1.operations`, where
/// -1 is the last item and `\.` a literal dot); `value` replaces what is there, `append` adds
/// to a list.
struct PlanEdit: Decodable {
    let path: String
    let value: JSONValue?
    let append: JSONValue?

    static func apply(_ edits: [PlanEdit], to data: Data) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: data)
        for e in edits { object = try e.apply(to: object, at: e.keys[...]) }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    var keys: [String] {
        var out: [String] = [], current = "", escaped = false
        for ch in path {
            if escaped { current.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == "." { out.append(current); current = "" } else { current.append(ch) }
        }
        return out + [current]
    }

    private func apply(to node: Any, at keys: ArraySlice<String>) throws -> Any {
        try update(node, at: keys) { old in
            guard let append else { return value?.any ?? NSNull() }
            guard let list = old as? [Any] else { throw PlanEditError(path: path, reason: "append to a non-list") }
            return list + [append.any]
        }
    }

    /// Puts `newValue` at `keys`, creating missing object keys.
    func set(_ newValue: Any, in node: Any, at keys: ArraySlice<String>) throws -> Any {
        try update(node, at: keys) { _ in newValue }
    }

    private func update(_ node: Any, at keys: ArraySlice<String>, leaf: (Any) throws -> Any) throws -> Any {
        guard let key = keys.first else { return try leaf(node) }
        if var list = node as? [Any], let i = Int(key) {
            let index = i < 0 ? list.count + i : i
            guard list.indices.contains(index) else { throw PlanEditError(path: path, reason: "no item \(key)") }
            list[index] = try update(list[index], at: keys.dropFirst(), leaf: leaf)
            return list
        }
        guard var object = node as? [String: Any] else { throw PlanEditError(path: path, reason: "\(key) is not in an object") }
        object[key] = try update(object[key] ?? [String: Any](), at: keys.dropFirst(), leaf: leaf)
        return object
    }
}

struct PlanEditError: Error { let path: String, reason: String }

/// Any JSON value, decoded from the cases file and handed to JSONSerialization.
enum JSONValue: Decodable {
    case string(String), int(Int), double(Double), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let i = try? c.decode(Int.self) { self = .int(i) } else if let d = try? c.decode(Double.self) { self = .double(d) } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([JSONValue].self) { self = .array(a) } else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var any: Any {
        switch self {
        case .string(let s): s
        case .int(let i): i
        case .double(let d): d
        case .bool(let b): b
        case .array(let a): a.map(\.any)
        case .object(let o): o.mapValues(\.any)
        case .null: NSNull()
        }
    }
}

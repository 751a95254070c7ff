import Foundation
import XCTest

/// A model on a Python the newest cog SDK does not run on gets the newest release that does, and
/// the image serves predictions with it.
final class SDKLineBuildTests: XCTestCase {
    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// Python 3.9: cog 0.16.12 (the 0.17 line needs 3.10), whose own FastAPI server answers
    /// `python -m cog.server.http`; offline, on the base `cogpack base --suite bullseye` makes.
    func testAPython39ModelGetsThe016SDKAndServes() throws {
        if try CLI.shell("docker image inspect cogpack/base:bullseye-python3.9 >/dev/null 2>&1").status != 0 {
            let made = try CLI.run(["base", "--suite", "bullseye"])
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("it-sdk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/hello"), to: dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try "build:\n  python_version: \"3.9\"\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)

        let resolved = try CLI.run(["resolve", dir.path])
        XCTAssertEqual(resolved.status, 0, resolved.stdout + resolved.stderr)
        XCTAssertTrue(resolved.stdout.contains("cog          0.16.12"), resolved.stdout)

        let tag = "cogpack-it-python39-sdk016"
        let built = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        let versions = try CLI.shell("docker run --rm --entrypoint python \(tag) -c 'import sys, cog; print(sys.version_info[:2], cog.__version__)'")
        XCTAssertEqual(versions.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "(3, 9) 0.16.12", versions.stderr)
        let label = try CLI.shell("docker image inspect \(tag) --format '{{index .Config.Labels \"run.cog.version\"}}'")
        XCTAssertEqual(label.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.16.12")
        let output = try Engine.predict(image: tag, input: ["name": "bullseye"], test: self)
        XCTAssertEqual(output["status"] as? String, "succeeded", "\(output)")
        XCTAssertEqual(output["output"] as? String, "hello, bullseye", "\(output)")

        // The 0.16 server builds /openapi.json itself at run time and never reads the file the
        // build writes; the file and the label are there all the same. The two documents are
        // compared and their differences reported, not required to be equal.
        let schemaLabel = try CLI.shell("docker image inspect \(tag) --format '{{index .Config.Labels \"run.cog.openapi_schema\"}}'").stdout
        let ours = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(schemaLabel.utf8)) as? [String: Any])
        let file = try CLI.shell("docker run --rm --entrypoint cat \(tag) /src/.cog/openapi_schema.json")
        XCTAssertEqual(file.status, 0, file.stderr)
        let served = try Engine.get(image: tag, path: "/openapi.json", test: self)
        let theirs = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(served.utf8)) as? [String: Any], served)
        let differences = JSONDifference.between(ours, theirs)
        print("cog 0.16.12 /openapi.json vs cogpack's document: \(differences.count) differences\n" + differences.prefix(40).joined(separator: "\n"))
        // What must agree for clients to call the model: the inputs and the output.
        let inputs = { (d: [String: Any]) in ((d["components"] as? [String: Any])?["schemas"] as? [String: Any])?["Input"] as? NSDictionary }
        XCTAssertEqual(inputs(ours)?["properties"] as? NSDictionary, inputs(theirs)?["properties"] as? NSDictionary,
                       "the Input properties: \(differences.filter { $0.contains("Input") })")
    }
}

/// Paths where two JSON documents differ, for a report.
enum JSONDifference {
    static func between(_ a: Any?, _ b: Any?, at path: String = "") -> [String] {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return Set(x.keys).union(y.keys).sorted().flatMap { between(x[$0], y[$0], at: path + "/" + $0) }
        case (let x as [Any], let y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) items vs \(y.count)"] }
            return zip(x, y).enumerated().flatMap { between($1.0, $1.1, at: path + "/\($0)") }
        case (nil, nil): return []
        case (nil, let y?): return ["\(path): only served (\(short(y)))"]
        case (let x?, nil): return ["\(path): only ours (\(short(x)))"]
        case (let x?, let y?):
            return (x as? NSObject) == (y as? NSObject) ? [] : ["\(path): \(short(x)) vs \(short(y))"]
        }
    }

    private static func short(_ v: Any) -> String {
        let s = (try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "\(v)"
        return s.count > 80 ? String(s.prefix(77)) + "..." : s
    }
}

import Foundation
import XCTest

/// What Cog users type to build: `build` without `-t`, `--no-cache`, `--progress quiet`, and a
/// predictor that is not there.
final class CommandLineHabitsTests: XCTestCase {
    /// A copy of examples/hello in a folder named `name` (inside a scratch folder); the tags
    /// given go when the test ends.
    private func hello(named name: String, removing tags: [String] = []) throws -> URL {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("xp-habits-\(UUID().uuidString.prefix(8))")
        let dir = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("examples/hello"), to: dir)
        addTeardownBlock {
            try? FileManager.default.removeItem(at: parent)
            for tag in tags { _ = try? CLI.shell("docker rmi \(tag) >/dev/null 2>&1") }
        }
        return dir
    }

    /// Steps run and cached, from `--progress json`.
    private func events(_ stderr: String) -> (done: [String], cached: [String]) {
        var done: [String] = [], cached: [String] = []
        for line in stderr.split(separator: "\n") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = obj["name"] as? String else { continue }
            if obj["event"] as? String == "done" { done.append(name) }
            if obj["event"] as? String == "cached" { cached.append(name) }
        }
        return (done, cached)
    }

    // MARK: the image name

    /// As Cog's `DockerImageName`: lowercased, spaces as dashes, other characters dropped, `cog-`.
    func testBuildWithoutTagIsNamedAsCogNamesIt() throws {
        try Engine.prepare()
        let tag = "cog-xp-hellomodelv2"
        let dir = try hello(named: "XP Hello_Model.v2", removing: [tag])
        let run = try CLI.run(["build", dir.path, "--progress", "plain"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("built docker.io/library/\(tag):latest "), run.stdout)
        XCTAssertEqual(try CLI.shell("docker image inspect \(tag) >/dev/null").status, 0)
    }

    func testBuildWithoutTagTakesCogYAMLImage() throws {
        try Engine.prepare()
        let tag = "xp-habits/named-by-yaml:v1"
        let dir = try hello(named: "hello", removing: [tag])
        try "image: \"\(tag)\"\n".data(using: .utf8)!.append(to: dir.appendingPathComponent("cog.yaml"))
        let run = try CLI.run(["build", dir.path, "--progress", "plain"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("built docker.io/\(tag) "), run.stdout)
    }

    func testABadImageKeyNamesCogYAML() throws {
        try Engine.prepare()
        let dir = try hello(named: "hello")
        try "image: \"Not A Name\"\n".data(using: .utf8)!.append(to: dir.appendingPathComponent("cog.yaml"))
        let run = try CLI.run(["build", dir.path, "--progress", "plain"])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("error: cog.yaml: image: 'Not A Name' is not an image name"), run.stderr)
        XCTAssertFalse(run.stderr.contains("#1 "), "nothing was built: \(run.stderr)")
    }

    // MARK: --no-cache and --progress quiet

    func testNoCacheRunsEveryStepAgain() throws {
        try Engine.prepare()
        let tag = "xp-habits-nocache"
        let dir = try hello(named: "hello", removing: [tag])
        let warm = try CLI.run(["build", dir.path, "-t", tag, "--progress", "json"])
        XCTAssertEqual(warm.status, 0, warm.stderr)
        let cached = try CLI.run(["build", dir.path, "-t", tag, "--progress", "json"])
        XCTAssertEqual(cached.status, 0, cached.stderr)
        let steps = events(cached.stderr).cached.filter { $0.hasPrefix("[") && !$0.hasPrefix("[internal]") }
        XCTAssertFalse(steps.isEmpty, "a second build takes its steps from the cache: \(cached.stderr)")

        let fresh = try CLI.run(["build", dir.path, "-t", tag, "--progress", "json", "--no-cache"])
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        let e = events(fresh.stderr)
        XCTAssertEqual(e.cached.filter { $0.hasPrefix("[") && !$0.hasPrefix("[internal]") }, [], "no step is CACHED: \(fresh.stderr)")
        for step in steps { XCTAssertTrue(e.done.contains(step), "\(step) ran again: \(e.done)") }
        // The image is still the model: its labels are there.
        XCTAssertEqual(try CLI.run(["explain", tag]).status, 0)
    }

    func testQuietPrintsOnlyTheImageID() throws {
        try Engine.prepare()
        let tag = "xp-habits-quiet"
        let dir = try hello(named: "hello", removing: [tag])
        let run = try CLI.run(["build", dir.path, "-t", tag, "--progress", "quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let id = try CLI.shell("docker image inspect -f '{{.Id}}' \(tag)").stdout
        XCTAssertTrue(id.hasPrefix("sha256:"), id)
        XCTAssertEqual(run.stdout, id, "one line: the image ID")
        XCTAssertFalse(run.stderr.contains("#1") || run.stderr.contains("\"event\""), run.stderr)
    }

    // MARK: a predictor that is not there

    func testAPredictorWithoutItsClassFailsBeforeAnythingIsBuilt() throws {
        try Engine.prepare()
        let tag = "xp-habits-noclass"
        let dir = try hello(named: "hello", removing: [tag])
        try "def predict(name: str) -> str:\n    return name\n".write(to: dir.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("predict.py"), run.stderr)
        XCTAssertTrue(run.stderr.contains("Predictor"), run.stderr)
        XCTAssertNotEqual(try CLI.shell("docker image inspect \(tag) >/dev/null 2>&1").status, 0, "nothing tagged")
    }
}

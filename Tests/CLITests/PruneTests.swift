import Foundation
import XCTest

/// `cogpack prune` against a second engine that the test starts (its own data root): the
/// machine's engine is shared with other runs, whose cache and images a prune must not touch.
/// Every run here has DOCKER_HOST pointing nowhere, so that a prune that ignored `--builder`
/// would fail instead of reaching the machine's engine.
final class PruneTests: XCTestCase {
    static let docker = "/usr/bin/docker"
    static let nowhere = "unix:///nonexistent/cogpack-it-prune.sock"

    override func setUpWithError() throws {
        signal(SIGPIPE, SIG_IGN)
    }

    private func model() throws -> URL {
        try ScratchModel.make(self, prefix: "cogpack-it-prune")
    }

    /// The IDs of engine B's dangling images.
    private func dangling(_ b: SecondEngine) throws -> Set<String> {
        let r = try CLI.shell("\(Self.docker) -H \(b.host) images -q --no-trunc -f dangling=true")
        XCTAssertEqual(r.status, 0, r.stderr)
        return Set(r.stdout.split(separator: "\n").map(String.init))
    }

    /// Engine B's build cache records (`GET /system/df`): how many, and how many are in use.
    private func cacheRecords(_ b: SecondEngine) throws -> (all: Int, unused: Int, bytes: Int64) {
        let r = try CLI.shell("curl -fsS --unix-socket '\(b.folder.path)/docker.sock' http://docker/system/df")
        XCTAssertEqual(r.status, 0, r.stderr)
        let df = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let records = df["BuildCache"] as? [[String: Any]] ?? []
        let unused = records.filter { ($0["InUse"] as? Bool) != true }
        return (records.count, unused.count, unused.reduce(0) { $0 + ((($1["Size"] as? NSNumber)?.int64Value) ?? 0) })
    }

    /// `removed N cache records and M images, freed SIZE`: N, M and SIZE.
    private func summary(_ stdout: String, file: StaticString = #filePath, line: UInt = #line) -> (cache: Int, images: Int, freed: String)? {
        let text = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(text.split(separator: "\n").count, 1, "one summary line: \(stdout)", file: file, line: line)
        let words = text.split(separator: " ").map(String.init)
        guard words.count >= 9, words[0] == "removed", let cache = Int(words[1]), words[2].hasPrefix("record") || words[3].hasPrefix("record"),
              let and = words.firstIndex(of: "and"), let images = Int(words[and + 1]), let freed = words.firstIndex(of: "freed") else {
            XCTFail("not a summary: \(stdout)", file: file, line: line)
            return nil
        }
        return (cache, images, words[(freed + 1)...].joined(separator: " "))
    }

    func testPruneRemovesCogpacksDanglingImagesAndTheUnusedBuildCacheOfItsEngine() throws {
        let b = try SecondEngine(test: self)
        try b.provideBase()
        let onB = CLI.environment(["DOCKER_HOST": b.host])
        let builder = "docker://\(b.host)"
        let name = "cogpack-it-prune-model:1"

        // Two builds under one name: the first image loses its name and dangles.
        let dir = try model()
        var built = try CLI.run(["build", dir.path, "-t", name, "--progress", "plain"], environment: onB)
        XCTAssertEqual(built.status, 0, String(built.stderr.suffix(3000)) + "\nengine B: " + b.log)
        guard built.status == 0 else { return }
        let first = try CLI.shell("\(Self.docker) -H \(b.host) image inspect -f '{{.Id}}' \(name)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try Data("# edited\n".utf8).append(to: dir.appendingPathComponent("predict.py"))
        built = try CLI.run(["build", dir.path, "-t", name, "--progress", "plain"], environment: onB)
        XCTAssertEqual(built.status, 0, String(built.stderr.suffix(3000)))
        XCTAssertTrue(try dangling(b).contains(first), "the first build's image dangles")

        // A dangling image cogpack did not make (no cogpack base under it): prune leaves it.
        let other = b.folder.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        var foreign = ""
        for n in 1...2 {
            try "FROM scratch\nCOPY file /file\n".write(to: other.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            try "\(n)\n".write(to: other.appendingPathComponent("file"), atomically: true, encoding: .utf8)
            let r = try CLI.shell("DOCKER_BUILDKIT=0 \(Self.docker) -H \(b.host) build -q -t cogpack-it-prune-other:1 '\(other.path)'")
            XCTAssertEqual(r.status, 0, r.stderr)
            if n == 1 { foreign = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        XCTAssertTrue(try dangling(b).contains(foreign), "the foreign image dangles")
        let cacheBefore = try cacheRecords(b)
        XCTAssertGreaterThan(cacheBefore.all, 0, "the builds left build cache")

        // Without --all: cogpack's dangling images, and dangling cache (maybe none).
        let pruned = try CLI.run(["prune", "--builder", builder], environment: CLI.environment(["DOCKER_HOST": Self.nowhere]))
        XCTAssertEqual(pruned.status, 0, pruned.stderr)
        let s1 = try XCTUnwrap(summary(pruned.stdout))
        XCTAssertEqual(s1.images, 1, pruned.stdout)
        let left = try dangling(b)
        XCTAssertFalse(left.contains(first), "cogpack's dangling image was removed")
        XCTAssertTrue(left.contains(foreign), "a dangling image of another tool stays")
        for kept in [name, Engine.base, "cogpack-it-prune-other:1"] {
            XCTAssertEqual(try CLI.shell("\(Self.docker) -H \(b.host) image inspect \(kept) >/dev/null").status, 0, "\(kept) stays")
        }
        print("prune on engine B: \(pruned.stdout.trimmingCharacters(in: .whitespacesAndNewlines)); cache records before: \(cacheBefore)")

        // --all: every unused cache record goes, and the bytes it freed are said.
        let before = try cacheRecords(b)
        let all = try CLI.run(["prune", "--all", "--builder", builder], environment: CLI.environment(["DOCKER_HOST": Self.nowhere]))
        XCTAssertEqual(all.status, 0, all.stderr)
        let s2 = try XCTUnwrap(summary(all.stdout))
        let after = try cacheRecords(b)
        XCTAssertGreaterThan(s2.cache, 0, all.stdout)
        XCTAssertEqual(after.unused, 0, "no unused cache record is left: \(after)")
        XCTAssertEqual(s2.images, 0, "nothing of cogpack's dangled any more")
        XCTAssertNotEqual(s2.freed, "0 B", all.stdout)
        print("prune --all on engine B: \(all.stdout.trimmingCharacters(in: .whitespacesAndNewlines)); unused before: \(before.unused) records, \(before.bytes) bytes")

        // The model still builds, now running its steps again.
        let rebuilt = try CLI.run(["build", dir.path, "-t", name, "--progress", "plain"], environment: onB)
        XCTAssertEqual(rebuilt.status, 0, String(rebuilt.stderr.suffix(3000)))
    }

    func testBadFlagsAreExit2BeforeTheEngineIsAsked() throws {
        let env = CLI.environment(["DOCKER_HOST": Self.nowhere])
        for (args, flag) in [
            (["prune", "--keep-storage", "10XB"], "--keep-storage"),
            (["prune", "--keep-storage", "-5"], "--keep-storage"),
            (["prune", "--until", "3days"], "--until"),
            (["prune", "--until", "h"], "--until"),
            (["prune", "--builder", "unix:///nonexistent/buildkitd.sock"], "--builder"),
            (["prune", "--builder", "docker://ftp://x"], "--builder"),
        ] {
            let r = try CLI.run(args, environment: env)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(flag), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        // A good command line with no engine: one line, exit 1.
        let r = try CLI.run(["prune", "--until", "1h30m", "--keep-storage", "2GiB"], environment: env)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("does not answer"), r.stderr)
    }
}

import Foundation
import Planner
import Rules
import XCTest

/// Every plannable example against its reviewed plan in Snapshots/. After an intended change,
/// regenerate them with `bash scripts/update-snapshots.sh` and review the diff.
final class PlanSnapshotTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let examples = ["hello", "cpu-torch", "gpu-torch", "tensorflow", "tensorflow-cpu", "jax-cpu", "system-run", "weights", "image-invert",
                           "trainer", "typed-inputs", "streaming-text", "structured-output", "async-predictor", "setup-weights"]
    static let kb = Result { try KnowledgeBase.load(root: repo) }

    struct NotPlanned: Error { let example: String }

    private func plan(_ example: String) throws -> Plan {
        try plan(folder: Self.repo.appendingPathComponent("examples/\(example)"), example)
    }

    private func plan(folder: URL, _ example: String) throws -> Plan {
        guard case .planned(let plan) = try Planner(kb: try Self.kb.get()).plan(folder) else {
            throw NotPlanned(example: example)
        }
        return plan
    }

    /// The plan of an example as if it had no `cogpack.lock`: how requirements are resolved at
    /// build time (the examples that carry a lock install from it instead).
    private func unlockedPlan(_ example: String) throws -> Plan {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("unlocked-\(example)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: Self.repo.appendingPathComponent("examples/\(example)"), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("cogpack.lock"))
        return try plan(folder: dir, example)
    }

    func testEveryExampleMatchesItsSnapshot() throws {
        let update = ProcessInfo.processInfo.environment["COGPACK_UPDATE_SNAPSHOTS"] == "1"
        let listed = try FileManager.default.contentsOfDirectory(atPath: Self.repo.appendingPathComponent("examples").path)
        XCTAssertEqual(Set(listed), Set(Self.examples + ["conflict"]), "a new example needs a snapshot")
        for example in Self.examples {
            let data = try plan(example).jsonData()
            let file = Self.snapshots.appendingPathComponent("\(example).json")
            if update {
                try data.write(to: file)
                continue
            }
            let expected = try Data(contentsOf: file)
            if data != expected {
                XCTFail("plan of examples/\(example) differs from Snapshots/\(example).json; review and run scripts/update-snapshots.sh")
            }
        }
    }

    func testPlansAreByteIdenticalAndReadBack() throws {
        for example in Self.examples {
            let a = try plan(example).jsonData()
            let b = try plan(example).jsonData()
            XCTAssertEqual(a, b, example)
            let decoded = try Plan.decode(a, display: example)
            XCTAssertEqual(decoded, try plan(example), example)
            XCTAssertEqual(try decoded.jsonData(), a, example)
        }
    }

    func testConflictingExampleGivesNoPlan() throws {
        guard case .conflict(let c) = try Planner(kb: try Self.kb.get()).plan(Self.repo.appendingPathComponent("examples/conflict")) else {
            return XCTFail("examples/conflict planned")
        }
        XCTAssertFalse(c.corrections.isEmpty)
    }

    // MARK: layering

    private func index(_ plan: Plan, _ id: String) throws -> Int {
        try XCTUnwrap(plan.stages.firstIndex { $0.id == id }, "no stage \(id)")
    }

    func testFrameworkHasItsOwnStageBeforeTheOtherRequirements() throws {
        let plan = try unlockedPlan("gpu-torch")
        XCTAssertLessThan(try index(plan, "framework"), try index(plan, "app-deps"))
        guard case .exec(let fw) = plan.stage("framework")?.operations.first else { return XCTFail("framework runs nothing") }
        XCTAssertTrue(fw.argv.contains("torch==2.3.1"))
        XCTAssertFalse(fw.argv.contains { $0.hasPrefix("opencv") }, "other requirements stay out of the framework layer")
        let reqs = try XCTUnwrap(plan.contexts["requirements"]?.files["requirements.txt"]?.content)
        XCTAssertFalse(reqs.contains("torch"), reqs)
        XCTAssertEqual(plan.contexts["requirements"]?.files["constraints.txt"]?.content, "torch==2.3.1\ntorchvision==0.18.1\ncog==0.23.1\n")
        XCTAssertLessThan(try index(plan, "cog"), try index(plan, "app-deps"), "requirements are the last layer of the environment")
    }

    func testWeightsComeBeforeTheSourceAndTheSourceIsLast() throws {
        let plan = try plan("weights")
        XCTAssertLessThan(try index(plan, "weights"), try index(plan, "source"))
        XCTAssertEqual(plan.stages.last?.id, "source")
        guard case .copy(let source) = plan.stage("source")?.operations.first else { return XCTFail("no source copy") }
        XCTAssertTrue(source.excludes.contains("weights/model.bin"))
        XCTAssertTrue(source.excludes.contains("*.md"), "the .dockerignore lines apply")
        XCTAssertTrue(source.excludes.contains(".git"))
    }

    /// The image is the chain from the base through the Python environment to the source; uv
    /// only ever comes in as a read-only mount from its side stage.
    func testTheImageChainHoldsNoBuildTools() throws {
        for example in Self.examples {
            let plan = try plan(example)
            var chain: [String] = []
            var id: String? = plan.stages.last?.id
            while let current = id, let stage = plan.stage(current) {
                chain.append(current)
                if case .stage(let from) = stage.source { id = from } else { id = nil }
            }
            XCTAssertFalse(chain.contains("uv"), "\(example): uv is in the image chain: \(chain)")
            XCTAssertTrue(chain.contains("venv") && chain.contains("system-deps") && chain.contains("cog"), "\(example): \(chain)")
            for stage in plan.stages {
                for case .exec(let e) in stage.operations where e.argv.first == "/opt/cogpack/uv/bin/uv" {
                    XCTAssertTrue(e.mounts.contains(.input(.stage("uv"), target: "/opt/cogpack/uv", path: "/opt/cogpack/uv")), "\(example) \(stage.id)")
                }
            }
            XCTAssertEqual(plan.export.cmd, ["python", "-m", "cog.server.http"])
            XCTAssertEqual(plan.export.entrypoint, ["/usr/bin/tini", "--"])
            XCTAssertTrue(plan.export.env.contains("COG_PREDICT_TYPE_STUB=predict.py:Predictor"), example)
            XCTAssertNotNil(plan.export.labels["run.cog.config"])
        }
    }

    func testNetworkStepsGetTheCABundleAndOthersDoNot() throws {
        let plan = try plan("system-run")
        for stage in plan.stages {
            for case .exec(let e) in stage.operations {
                let hasCA = e.mounts.contains { if case .caBundle = $0 { return true } else { return false } }
                XCTAssertEqual(hasCA, e.network, "\(stage.id): \(e.label)")
            }
        }
    }

    /// The plan says which steps read a `--wheelhouse`: the package installs through uv, each
    /// with the mount last; no other step (apt, uv's own install, run commands) has it.
    func testPackageInstallsThroughUvCarryTheWheelhouseMount() throws {
        for example in Self.examples {
            let plan = try plan(example)
            var installs = 0
            for stage in plan.stages {
                for case .exec(let e) in stage.operations {
                    let install = e.argv.contains("/opt/cogpack/uv/bin/uv") && e.argv.contains("pip") && e.argv.contains("install")
                    let wheelhouse = e.mounts.filter { if case .wheelhouse = $0 { return true } else { return false } }
                    XCTAssertEqual(wheelhouse.count, install ? 1 : 0, "\(example) \(stage.id): \(e.label)")
                    if install {
                        installs += 1
                        XCTAssertEqual(e.mounts.last, .wheelhouse(target: "/opt/cogpack/wheelhouse"), "\(example) \(stage.id)")
                    }
                }
            }
            XCTAssertGreaterThan(installs, 0, example)
        }
    }

    /// From a lock, the apt step empties what apt and dpkg write differently on every install
    /// (their logs, ldconfig's cache), so that its layer is the same on every build.
    func testTheAptStepOfALockedBuildLeavesNoLogs() throws {
        guard case .exec(let locked) = try plan("system-run").stage("system-deps")?.operations.first,
              case .exec(let unlocked) = try unlockedPlan("system-run").stage("system-deps")?.operations.first else {
            return XCTFail("no apt step")
        }
        XCTAssertTrue(locked.argv[2].hasSuffix(#"&& for f in /var/log/dpkg.log /var/log/alternatives.log /var/log/apt/history.log /var/log/apt/term.log /var/log/apt/eipp.log.xz /var/cache/ldconfig/aux-cache; do if [ -f "$f" ]; then : > "$f"; fi; done"#), locked.argv[2])
        XCTAssertFalse(unlocked.argv[2].contains("for f in"), unlocked.argv[2])
    }

    func testRunCommandsKeepTheirSecretsAndCogYAMLSettings() throws {
        let plan = try plan("system-run")
        guard case .exec(let second) = plan.stage("run")?.operations.last else { return XCTFail("no run commands") }
        XCTAssertEqual(second.argv.prefix(2), ["/bin/sh", "-c"])
        XCTAssertTrue(second.mounts.contains(.secret(id: "hf_token", target: "/run/secrets/hf_token")))
        XCTAssertTrue(plan.export.env.contains("COG_TRAIN_TYPE_STUB=train.py:train"))
        XCTAssertTrue(plan.export.env.contains("COG_MAX_CONCURRENCY=2"))
        XCTAssertTrue(plan.export.env.contains("HF_HOME=/src/.hf"))
        guard case .exec(let apt) = plan.stage("system-deps")?.operations.first else { return XCTFail("no apt step") }
        XCTAssertEqual(Array(apt.argv.suffix(4)), ["sh", "tini", "ffmpeg", "libsndfile1"], "package names are arguments, not shell text")
    }
}

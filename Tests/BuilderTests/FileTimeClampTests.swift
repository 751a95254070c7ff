@testable import Builder
import Foundation
import PlanFormat
import XCTest

/// A build from a lock fixes the time of every file it writes: the file actions' `timestamp`,
/// and each exec step run inside the clamping script (docs/reproducibility.md).
final class FileTimeClampTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let created = "2026-11-20T10:11:12.123456789Z"
    static let epoch: Int64 = 1_795_169_472

    private func plan(_ name: String, fixed: Bool) throws -> Plan {
        let data = try Data(contentsOf: Self.repo.appendingPathComponent("Tests/PlannerTests/Snapshots/\(name).json"))
        var plan = try Plan.decode(data, display: name)
        plan.export.fixedHistoryTime = fixed ? true : nil
        return plan
    }

    private func ops(_ plan: Plan, ca: Bool = false) throws -> [Pb_Op] {
        var inputs = PlanCompiler.Inputs()
        inputs.hasCABundle = ca
        for image in PlanCompiler.images(in: plan) {
            inputs.imageEnv[image] = ["PATH=/usr/bin:/bin"]
            inputs.imageCreated[image] = Self.created
        }
        var c = PlanCompiler(plan: plan, inputs: inputs)
        return try c.compile().definition.def.map { try Pb_Op(serializedBytes: Array($0)) }
    }

    private func execs(_ ops: [Pb_Op]) -> [Pb_ExecOp] { ops.compactMap { if case .exec(let e) = $0.op { e } else { nil } } }

    private func timestamps(_ ops: [Pb_Op]) -> [Int64] {
        ops.flatMap { op -> [Int64] in
            guard case .file(let f) = op.op else { return [] }
            return f.actions.compactMap {
                switch $0.action {
                case .copy(let c): c.timestamp
                case .mkfile(let m): m.timestamp
                case .mkdir(let d): d.timestamp
                default: nil
                }
            }
        }
    }

    func testCreatedTimesParseWithNanosecondsAndZones() {
        XCTAssertEqual(RFC3339.seconds(Self.created), Self.epoch)
        XCTAssertEqual(RFC3339.seconds("2026-11-20T10:11:12Z"), Self.epoch)
        XCTAssertEqual(RFC3339.seconds("2026-11-20T12:11:12.5+02:00"), Self.epoch)
        XCTAssertNil(RFC3339.seconds("yesterday"))
    }

    func testWithALockEveryFileActionTakesTheBasesTime() throws {
        let fixed = timestamps(try ops(try plan("weights", fixed: true)))
        XCTAssertFalse(fixed.isEmpty)
        XCTAssertEqual(Set(fixed), [Self.epoch * 1_000_000_000], "nanoseconds since 1970, as BuildKit's file backend reads them")
        XCTAssertEqual(Set(timestamps(try ops(try plan("weights", fixed: false)))), [-1], "without a lock: keep the times")
    }

    func testWithALockEveryExecOfTheImagesStagesRunsInsideTheClamp() throws {
        let fixedPlan = try plan("system-run", fixed: true)
        let plain = execs(try ops(try plan("system-run", fixed: false), ca: true))
        let clamped = execs(try ops(fixedPlan, ca: true))
        XCTAssertEqual(plain.count, clamped.count)
        // The stages whose layers the image has, and the others (uv's, which steps mount).
        let chain = PlanCompiler.chain(fixedPlan)
        func argvs(_ inImage: Bool) -> [[String]] {
            fixedPlan.stages.filter { chain.contains($0.id) == inImage }.flatMap { stage in
                stage.operations.compactMap { if case .exec(let e) = $0 { e.argv } else { nil } }
            }
        }
        let outside = argvs(false)
        XCTAssertTrue(outside.contains { $0.joined(separator: " ").contains("uv") }, "\(outside)")
        XCTAssertEqual(clamped.filter { $0.meta.args.count > 3 && $0.meta.args[3] == "cogpack-clamp" }.count, argvs(true).count)
        for (p, c) in zip(plain, clamped) {
            guard !outside.contains(p.meta.args) else {
                XCTAssertEqual(c.meta.args, p.meta.args, "a step outside the image's stages runs as it is")
                XCTAssertFalse(c.meta.env.contains { $0.hasPrefix("SOURCE_DATE_EPOCH=") })
                continue
            }
            XCTAssertEqual(Array(c.meta.args.prefix(2)), ["/bin/sh", "-c"])
            XCTAssertEqual(c.meta.args[3], "cogpack-clamp")
            XCTAssertEqual(Array(c.meta.args.dropFirst(4)), p.meta.args, "the step's own argv, untouched, as \"$@\"")
            XCTAssertTrue(c.meta.env.contains("SOURCE_DATE_EPOCH=\(Self.epoch)"), "\(c.meta.env)")
            XCTAssertFalse(p.meta.env.contains { $0.hasPrefix("SOURCE_DATE_EPOCH=") })
            let script = c.meta.args[2]
            // Its own mount points are pruned from the clamp, and never made by it.
            for m in c.mounts.dropFirst() {
                XCTAssertTrue(script.contains("-path '\(m.dest)'"), "\(m.dest) pruned in \(script)")
                XCTAssertFalse(script.contains("for d in") && script.components(separatedBy: "\n").first { $0.hasPrefix("for d in") }!.contains("'\(m.dest)'"),
                               "\(m.dest) is this step's mount")
            }
        }
        // The first step (apt) makes the mount points of the later ones, the CA bundle's file aside
        // (its own), so that the runtime never creates them in a layer.
        let apt = try XCTUnwrap(clamped.first { $0.meta.args.contains { $0.contains("apt-get install") } })
        let made = try XCTUnwrap(apt.meta.args[2].components(separatedBy: "\n").first { $0.hasPrefix("for d in") })
        let later = Set(clamped.flatMap { $0.mounts.dropFirst().filter { $0.mountType != .secret }.map(\.dest) })
            .subtracting(apt.mounts.map(\.dest)).subtracting(["/etc/ssl/certs/cogpack-ca.pem"])
        XCTAssertTrue(later.isSuperset(of: ["/opt/cogpack/uv", "/root/.cache/uv"]), "\(later)")
        for path in later {
            XCTAssertTrue(made.contains("'\(path)'"), "\(path) in \(made)")
        }
        XCTAssertTrue(apt.meta.args[2].contains("for f in '/run/secrets/hf_token'"), apt.meta.args[2])
    }

    /// A step whose plan says where it writes (the venv's installs) is clamped by a walk of
    /// those folders, the mount points it makes and the folders above them; every other step by
    /// a walk of the whole file system.
    func testAStepThatSaysWhereItWritesIsClampedThereOnly() throws {
        let plan = try plan("system-run", fixed: true)
        let declared = plan.stages.flatMap(\.operations).compactMap { op -> Plan.Operation.Exec? in
            if case .exec(let e) = op { e } else { nil }
        }
        XCTAssertTrue(declared.contains { $0.writes == ["/venv"] }, "the venv and its installs say where they write")
        XCTAssertTrue(declared.contains { $0.writes == nil }, "apt and run lines write anywhere")
        let clamped = execs(try ops(plan, ca: true))
        XCTAssertEqual(clamped.count, declared.count)
        for (e, c) in zip(declared, clamped) {
            // uv's stage is not the image's, and runs as it is (the test above).
            guard c.meta.args.count > 3, c.meta.args[3] == "cogpack-clamp" else {
                XCTAssertEqual(c.meta.args, e.argv)
                continue
            }
            let script = c.meta.args[2]
            let lines = script.components(separatedBy: "\n")
            if let writes = e.writes {
                XCTAssertFalse(lines.contains { $0.hasPrefix("find / ") }, script)
                let roots = try XCTUnwrap(lines.first { $0.hasPrefix("for w in ") })
                for w in writes { XCTAssertTrue(roots.contains("'\(w)'"), roots) }
                XCTAssertTrue(lines.contains { $0.hasPrefix("[ $# -eq 0 ] || find \"$@\" -xdev") }, script)
                let above = try XCTUnwrap(lines.first { $0.hasPrefix("for p in ") && $0.contains("-nt") })
                XCTAssertTrue(above.contains("'/'"), "the root folder, which /venv is made in: \(above)")
            } else {
                XCTAssertTrue(lines.contains { $0.hasPrefix("find / -xdev") }, script)
            }
        }
    }

    /// A copy into the working folder is made on scratch and then copied as one tree, so that
    /// `/src` and `/src/.cog` are folders of the copied tree, whose times BuildKit sets.
    func testCopiesIntoTheWorkingFolderAreStagedOnScratch() throws {
        let fixed = try ops(try plan("hello", fixed: true))
        let copies = fixed.compactMap { op -> [Pb_FileAction]? in
            guard case .file(let f) = op.op, f.actions.contains(where: { if case .copy = $0.action { true } else { false } }) else { return nil }
            return f.actions
        }
        XCTAssertEqual(copies.count, 2, "the schema and the source")
        for actions in copies {
            XCTAssertEqual(actions.count, 2)
            XCTAssertEqual(actions[0].input, -1, "the first copy starts from scratch")
            XCTAssertEqual(actions[0].output, -1)
            guard case .copy(let tree) = actions[1].action else { return XCTFail("no tree copy") }
            XCTAssertEqual([tree.src, tree.dest], ["/", "/"])
            XCTAssertTrue(tree.dirCopyContents)
            XCTAssertEqual(tree.timestamp, Self.epoch * 1_000_000_000)
            XCTAssertEqual(actions[1].secondaryInput, 2, "the scratch tree: the output of action 0, after the op's two inputs")
            XCTAssertEqual(actions[1].output, 0)
        }
        let plain = try ops(try plan("hello", fixed: false)).filter { if case .file = $0.op { true } else { false } }
        XCTAssertTrue(plain.allSatisfy { $0.file.actions.count == 1 }, "without a lock a copy is one action")
    }

    func testPathsAreQuotedForTheShell() {
        XCTAssertEqual(FileTimeClamp.quote("/a b/it's"), "'/a b/it'\\''s'")
        XCTAssertEqual(FileTimeClamp.parents(of: ["/opt/cogpack/uv", "/opt/cogpack/inputs/lock", "/root/.cache/uv"]),
                       ["/opt/cogpack", "/opt", "/opt/cogpack/inputs", "/root/.cache", "/root"])
    }
}

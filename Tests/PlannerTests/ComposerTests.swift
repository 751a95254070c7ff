@testable import Planner
import XCTest

final class ComposerTests: XCTestCase {
    private let empty = Plan.ResolutionRecord(choices: [:], warnings: [])

    private func exec(_ label: String) -> Plan.Operation { .exec(.init(["/bin/true"], label: label)) }

    func testStagesComeInPhaseOrderThenInsertionOrder() throws {
        let c = Composer()
        try c.addStage("app", phase: .appDeps, block: "b3", name: "app")
        try c.addStage("base", phase: .base, block: "b1", name: "base", source: .image("debian:bookworm-slim"))
        try c.addStage("fw", phase: .frameworkDeps, block: "b2", name: "fw")
        try c.addStage("app2", phase: .appDeps, block: "b4", name: "app2")
        let plan = try c.compose(resolution: empty)
        XCTAssertEqual(plan.stages.map(\.id), ["base", "fw", "app", "app2"])
        // `auto` is the stage before, across phases.
        XCTAssertEqual(plan.stages.map(\.source), [.image("debian:bookworm-slim"), .stage("base"), .stage("fw"), .stage("app")])
    }

    func testPhaseInputWalksBackOverEmptyPhases() throws {
        let c = Composer()
        try c.addStage("base", phase: .base, block: "b", name: "base", source: .image("x"))
        try c.addStage("deps", phase: .appDeps, block: "b", name: "deps")
        try c.addStage("rt", phase: .exportBase, block: "b", name: "rt", source: .image("y"))
        try c.addStage("copy", phase: .exportRuntime, block: "b", name: "copy",
                       operations: [.copy(.init(from: .phase(.buildComplete), src: ["/venv"], dest: "/venv"))])
        try c.addStage("from-runtime", phase: .exportApp, block: "b", name: "r", source: .phase(.runtime))
        let plan = try c.compose(resolution: empty)
        guard case .copy(let copy) = plan.stage("copy")?.operations.first else { return XCTFail("no copy") }
        XCTAssertEqual(copy.from, .stage("deps"), "build.99 and 06, 05 are empty: the last build stage is deps")
        XCTAssertEqual(plan.stage("from-runtime")?.source, .stage("base"), "build.02 and 01 are empty: back to base")
    }

    func testMountInputsAreResolvedToo() throws {
        let c = Composer()
        try c.addStage("a", phase: .base, block: "b", name: "a", source: .scratch)
        try c.addStage("b", phase: .systemDeps, block: "b", name: "b",
                       operations: [.exec(.init(["/bin/true"], label: "t", mounts: [.input(.phase(.base), target: "/mnt", path: "/")]))])
        let plan = try c.compose(resolution: empty)
        guard case .exec(let e) = plan.stage("b")?.operations.first else { return XCTFail("no exec") }
        XCTAssertEqual(e.mounts, [.input(.stage("a"), target: "/mnt", path: "/")])
    }

    func testDuplicateStageIdNamesBothBlocks() throws {
        let c = Composer()
        try c.addStage("same", phase: .base, block: "first-block", name: "x", source: .scratch)
        XCTAssertThrowsError(try c.addStage("same", phase: .appDeps, block: "second-block", name: "y")) { error in
            XCTAssertEqual(error as? ComposerError, .duplicateStage(id: "same", first: "first-block", second: "second-block"))
            XCTAssertTrue("\(error)".contains("first-block") && "\(error)".contains("second-block"))
        }
    }

    func testUnknownReferencesAreErrors() throws {
        let c = Composer()
        try c.addStage("a", phase: .base, block: "b", name: "a", source: .stage("nope"))
        XCTAssertThrowsError(try c.compose(resolution: empty)) { XCTAssertEqual($0 as? ComposerError, .unknownStage(id: "nope", referencedBy: "a")) }

        let d = Composer()
        try d.addStage("a", phase: .base, block: "b", name: "a", source: .context("missing"))
        XCTAssertThrowsError(try d.compose(resolution: empty)) { XCTAssertEqual($0 as? ComposerError, .unknownContext(name: "missing", referencedBy: "a")) }

        let e = Composer()
        try e.addStage("first", phase: .base, block: "b", name: "a")
        XCTAssertThrowsError(try e.compose(resolution: empty)) { XCTAssertEqual($0 as? ComposerError, .noEarlierStage(referencedBy: "first")) }

        let f = Composer()
        try f.addStage("early", phase: .base, block: "b", name: "a", source: .stage("late"))
        try f.addStage("late", phase: .appDeps, block: "b", name: "b")
        XCTAssertThrowsError(try f.compose(resolution: empty)) { XCTAssertEqual($0 as? ComposerError, .laterStage(id: "late", referencedBy: "early")) }
    }

    func testHasProviderSeesTheBaseAndEarlierStages() throws {
        let c = Composer()
        XCTAssertFalse(c.hasProvider("python"))
        c.setBaseProvides(["python"])
        XCTAssertTrue(c.hasProvider("python"))
        try c.addStage("uv", phase: .runtime, block: "b", name: "uv", provides: ["uv"])
        XCTAssertTrue(c.hasProvider("uv"))
        XCTAssertFalse(c.hasProvider("torch"))
    }

    func testAComposedPlanValidatesAndReadsBack() throws {
        let c = Composer()
        try c.addStage("a", phase: .base, block: "b", name: "a", source: .image("x"), operations: [exec("one")])
        try c.addStage("b", phase: .exportBase, block: "b", name: "b", source: .phase(.base),
                       operations: [.mkfile(.init(path: "/f", content: "hi\n")), .mkdir(.init(path: "/d")), .rm(.init(path: "/tmp/x"))])
        let plan = try c.compose(resolution: empty)
        XCTAssertNoThrow(try plan.validate(display: "plan.json"))
        XCTAssertEqual(try Plan.decode(try plan.jsonData(), display: "plan.json"), plan)
    }

    func testDecodingRejectsWhatABuilderCannotUse() throws {
        XCTAssertThrowsError(try Plan.decode(Data("{}".utf8), display: "p.json")) { error in
            XCTAssertTrue("\(error)".contains("p.json") && "\(error)".contains("not a cogpack plan"), "\(error)")
        }
        let c = Composer()
        try c.addStage("a", phase: .base, block: "b", name: "a", source: .image("x"), operations: [exec("one")])
        var plan = try c.compose(resolution: empty)
        plan.stages[0].source = .auto
        XCTAssertThrowsError(try Plan.decode(try plan.jsonData(), display: "p.json")) { error in
            XCTAssertTrue("\(error)".contains("unresolved input"), "\(error)")
        }
        plan.stages[0].source = .image("x")
        plan.format = "cogpack.plan/0"
        XCTAssertThrowsError(try Plan.decode(try plan.jsonData(), display: "p.json"))
        var json = String(decoding: try c.compose(resolution: empty).jsonData(), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"exec\"", with: "\"spawn\"")
        XCTAssertThrowsError(try Plan.decode(Data(json.utf8), display: "p.json")) { error in
            XCTAssertTrue("\(error)".contains("unknown operation type"), "\(error)")
        }
    }
}

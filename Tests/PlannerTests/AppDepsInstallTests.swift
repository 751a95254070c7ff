import Foundation
@testable import Planner
import Rules
import XCTest

/// What the app-deps step installs and how: index options on lines of their own, pip's index
/// strategy, `-c` lines as constraints, hashes checked, and the model's source folders bound
/// read-only from the context and copied where the build backend can write.
final class AppDepsInstallTests: XCTestCase {
    private let cog = "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n"

    private func model(_ requirements: String, files: [String: String] = [:]) throws -> TemporaryModel {
        let m = try TemporaryModel(cogYAML: cog)
        try m.write("predict.py", TemporaryModel.predictor)
        try m.write("requirements.txt", requirements)
        for (path, text) in files { try m.write(path, text) }
        return m
    }

    private func install(_ plan: Plan) throws -> Plan.Operation.Exec {
        let stage = try XCTUnwrap(plan.stages.first { $0.id == "app-deps" })
        for case .exec(let e) in stage.operations where e.argv.contains("-r") { return e }
        throw XCTSkip("no install step")
    }

    private func file(_ plan: Plan, _ name: String) -> String? { plan.contexts["requirements"]?.files[name]?.content }

    func testIndexOptionsGetLinesOfTheirOwnAndPipsIndexStrategy() throws {
        let plan = try model("six==1.16.0 --extra-index-url=https://pypi.example.com/simple\n--index-url https://mirror.example/simple\n").plan()
        XCTAssertEqual(file(plan, "requirements.txt"),
                       "--index-url https://mirror.example/simple\n--extra-index-url https://pypi.example.com/simple\nsix==1.16.0\n")
        let step = try install(plan)
        XCTAssertTrue(step.argv.joined(separator: " ").contains("--index-strategy unsafe-best-match"), "\(step.argv)")
        XCTAssertTrue(step.label.contains("as pip does"), step.label)
        XCTAssertTrue(plan.resolution.warnings.contains { $0.contains("requirements.txt:1") && $0.contains("moved to a line of its own") })
    }

    func testOneIndexNeedsNoStrategy() throws {
        let step = try install(try model("six==1.16.0\n").plan())
        XCTAssertFalse(step.argv.contains("--index-strategy"))
    }

    func testConstraintFilesBecomeConstraintsNotRequirements() throws {
        let plan = try model("-c constraints.txt\nrequests\n", files: ["constraints.txt": "urllib3<2\ncog==0.16.0\n"]).plan()
        XCTAssertEqual(file(plan, "requirements.txt"), "requests\n")
        let constraints = try XCTUnwrap(file(plan, "constraints.txt"))
        XCTAssertTrue(constraints.hasSuffix("urllib3<2\n"), constraints)
        // The `-c` line bounds the SDK the resolver chooses; the file gets the plan's pin, once.
        XCTAssertEqual(constraints.components(separatedBy: "cog==").count, 2, constraints)
        XCTAssertTrue(constraints.contains("cog==0.16.0\n"), constraints)
        XCTAssertEqual(plan.resolution.choices["cog"]?.value, "0.16.0")
    }

    func testEveryLineHashedRequiresHashesAndSomeHashedChecksThem() throws {
        let h = "--hash=sha256:" + String(repeating: "1", count: 64)
        let all = try model("six==1.16.0 \(h)\nidna==3.7 \(h)\n").plan()
        XCTAssertTrue(try install(all).argv.contains("--require-hashes"))
        XCTAssertEqual(file(all, "requirements.txt"), "six==1.16.0 \(h)\nidna==3.7 \(h)\n")
        let some = try model("six==1.16.0 \(h)\nidna==3.7\n").plan()
        XCTAssertTrue(try install(some).argv.contains("--verify-hashes"))
        XCTAssertTrue(some.resolution.warnings.contains { $0.hasPrefix("requirements.txt:2") }, "\(some.resolution.warnings)")
    }

    func testSourceFoldersAreBoundReadOnlyAndCopiedToAWritablePlace() throws {
        let plan = try model("./local_pkg\ngit+file:vendor/repo@main\n",
                             files: ["local_pkg/setup.py": "", "vendor/repo/HEAD": ""]).plan()
        XCTAssertEqual(file(plan, "requirements.txt"), "/src/local_pkg\ngit+file:///src/vendor/repo@main\n")
        let step = try install(plan)
        XCTAssertTrue(step.mounts.contains(.input(.context("context"), target: AppDepsBlock.modelMountPoint + "/local_pkg", path: "/local_pkg")))
        XCTAssertTrue(step.mounts.contains(.input(.context("context"), target: AppDepsBlock.modelMountPoint + "/vendor/repo", path: "/vendor/repo")))
        XCTAssertTrue(step.mounts.contains(.tmpfs(target: "/src")), "the copy never reaches the layer")
        XCTAssertEqual(Array(step.argv.prefix(2)), ["/bin/sh", "-c"])
        XCTAssertTrue(plan.resolution.warnings.contains { $0.hasPrefix("requirements.txt:1") && $0.contains("not constrained") })
    }

    func testAFolderLeftOutOfTheContextIsAnError() throws {
        let m = try model("./local_pkg\n", files: ["local_pkg/setup.py": "", ".dockerignore": "local_pkg\n"])
        XCTAssertEqual(m.inputError()?.source, Provenance(file: "requirements.txt", line: 1))
    }
}

import Foundation
@testable import Planner
import Rules
import XCTest

/// The lock file: written and read back unchanged, its inputs digest (order-free, tamper-evident),
/// what makes it stale and where that is named, uv's two outputs read back, the split of the
/// packages into the build's install steps, and what a plan installs from a fresh lock.
final class LockFileTests: XCTestCase {
    private let h1 = PackageHash("sha256:" + String(repeating: "a", count: 64))!
    private let h2 = PackageHash("sha256:" + String(repeating: "b", count: 64))!

    private func sample() -> LockFile {
        LockFile(platform: "x86_64-manylinux_2_28", uv: "0.9.26",
                 choices: [LockChoice("python", "3.11"), LockChoice("cuda", "none"), LockChoice("variant", "none"), LockChoice("cog", "0.16.8")],
                 options: ["--extra-index-url https://example.com/simple", "--index-strategy unsafe-best-match"],
                 inputs: [LockInput(file: "cog.yaml", text: "python_version: \"3.11\""), LockInput(file: "requirements.txt", text: "requests>=2")],
                 packages: [LockedPackage(name: "Requests", version: PEP440Version("2.32.3")!, hashes: [h1, h2], stage: .app, index: "https://pypi.org/simple"),
                            LockedPackage(name: "cog", version: PEP440Version("0.16.8")!, hashes: [h2], stage: .cog, index: nil)])
    }

    func testRenderParseRoundTrip() throws {
        let lock = sample()
        let text = lock.render()
        XCTAssertEqual(try LockFile.parse(text), lock)
        XCTAssertEqual(try LockFile.parse(text).render(), text)
        // One package a line, sorted by name, names normalized, stage and index at the end.
        let packageLines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(packageLines, ["cog==0.16.8 --hash=sha256:\(h2.digest) # stage=cog",
                                      "requests==2.32.3 --hash=sha256:\(h1.digest) --hash=sha256:\(h2.digest) # stage=app index=https://pypi.org/simple"])
        XCTAssertTrue(text.contains("# cogpack-lock: python=3.11\n"))
        XCTAssertTrue(text.contains("# cogpack-lock: input=requirements.txt requests>=2\n"))
        XCTAssertEqual(lock.arguments, ["--extra-index-url", "https://example.com/simple", "--index-strategy", "unsafe-best-match"])
    }

    func testInputsDigestIgnoresOrderAndCatchesHandEdits() throws {
        let a = [LockInput(file: "cog.yaml", text: "gpu: false"), LockInput(file: "requirements.txt", text: "requests")]
        XCTAssertEqual(LockInput.digest(a), LockInput.digest(a.reversed()))
        XCTAssertNotEqual(LockInput.digest(a), LockInput.digest([a[0], LockInput(file: "requirements.txt", text: "requests<3")]))
        XCTAssertTrue(LockInput.digest(a).hasPrefix("sha256:"))
        XCTAssertEqual(LockInput.digest(a).count, 7 + 64)
        // An input line edited by hand no longer matches the recorded digest.
        let edited = sample().render().replacingOccurrences(of: "input=requirements.txt requests>=2", with: "input=requirements.txt requests>=3")
        XCTAssertThrowsError(try LockFile.parse(edited)) { e in
            let error = e as! InputError
            XCTAssertEqual(error.source, Provenance(file: "cogpack.lock", line: 3))
            XCTAssertTrue(error.message.contains("inputs digest"), error.message)
        }
    }

    func testBadLinesAreNamed() {
        let text = sample().render() + "numpy==1.26.4 # stage=app\n"
        XCTAssertThrowsError(try LockFile.parse(text)) { e in
            let error = e as! InputError
            XCTAssertEqual(error.source.line, text.split(separator: "\n").count)
            XCTAssertTrue(error.message.contains("no --hash"), error.message)
        }
        XCTAssertThrowsError(try LockFile.parse(sample().render().replacingOccurrences(of: "format=1", with: "format=9"))) { e in
            XCTAssertEqual((e as! InputError).source.line, 2)
        }
    }

    func testStalenessNamesTheChangedLine() throws {
        let lock = try LockFile.parse(sample().render())
        let now = [LockInput(file: "cog.yaml", text: "python_version: \"3.11\"", source: Provenance(file: "cog.yaml", line: 2)),
                   LockInput(file: "requirements.txt", text: "requests>=2", source: Provenance(file: "requirements.txt", line: 4))]
        XCTAssertEqual(LockChange.between(lock, inputs: now, choices: lock.choices), [])
        // A requirement changed: the new line where it is now, the old one where the lock has it.
        let edited = [now[0], LockInput(file: "requirements.txt", text: "requests<2.30", source: Provenance(file: "requirements.txt", line: 4))]
        let changes = LockChange.between(lock, inputs: edited, choices: lock.choices)
        XCTAssertEqual(changes.map(\.source), [Provenance(file: "requirements.txt", line: 4), Provenance(file: "cogpack.lock", line: 13)])
        XCTAssertTrue(changes[0].message.contains("'requests<2.30'"), changes[0].message)
        // The resolver now chooses another CUDA: named at the lock's line.
        var choices = lock.choices
        choices[1] = LockChoice("cuda", "12.8")
        let moved = LockChange.between(lock, inputs: now, choices: choices)
        XCTAssertEqual(moved.map(\.source), [Provenance(file: "cogpack.lock", line: 7)])
        XCTAssertTrue(moved[0].message.contains("made for cuda=none; the resolver now chooses cuda=12.8"), moved[0].message)
    }

    func testUvOutputsReadBack() throws {
        let text = """
        certifi==2024.8.30 \\
            --hash=sha256:\(h1.digest)
            # via requests
            # from https://pypi.org/simple
        cog==0.16.8
            # via -r requirements.in
            # from https://pypi.org/simple
        requests==2.32.3  # via -r requirements.in, cog
            # from https://pypi.org/simple
        """
        let packages = try UvCompileOutput.packages(text)
        XCTAssertEqual(packages.map(\.name), ["certifi", "cog", "requests"])
        XCTAssertEqual(packages.map(\.via), [["requests"], [], ["cog"]])
        XCTAssertEqual(packages[0].index, "https://pypi.org/simple")
        let pylock = """
        [[packages]]
        name = "charset-normalizer"
        version = "3.5.3"
        sdist = { url = "https://x/c.tar.gz", size = 1, hashes = { sha256 = "\(h1.digest)" } }
        wheels = [
            { url = "https://x/c-cp311-manylinux_2_28_x86_64.whl", size = 2, hashes = { sha256 = "\(h2.digest)" } },
        ]

        [[packages]]
        name = "Only_Sdist"
        version = "1.0"
        sdist = { url = "https://x/o.tar.gz", hashes = { sha256 = "\(h1.digest)" } }
        """
        // Wheels for the target when there are any; the sdist otherwise.
        XCTAssertEqual(UvCompileOutput.hashes(pylock: pylock), ["charset-normalizer": [h2], "only-sdist": [h1]])
    }

    func testPackagesGoWithTheStepThatNeedsThem() throws {
        let request = LockRequest(requirements: "", constraints: "", options: [], python: "3.11", uvVersion: "0.9.26",
                                  choices: sample().choices, inputs: [], frameworkPackages: ["torch"])
        let compiled: [UvCompileOutput.Package] = [
            .init(name: "torch", version: PEP440Version("2.3.1")!, via: [], index: nil),
            .init(name: "filelock", version: PEP440Version("3.0")!, via: ["torch"], index: nil),
            .init(name: "typing-extensions", version: PEP440Version("4.0")!, via: ["pydantic", "torch"], index: nil),
            .init(name: "cog", version: PEP440Version("0.16.8")!, via: [], index: nil),
            .init(name: "pydantic", version: PEP440Version("2.0")!, via: ["cog", "fastapi"], index: nil),
            .init(name: "fastapi", version: PEP440Version("0.1")!, via: ["cog"], index: nil),
            .init(name: "requests", version: PEP440Version("2.32.3")!, via: [], index: nil),
            .init(name: "idna", version: PEP440Version("3.0")!, via: ["requests"], index: nil),
        ]
        let hashes = Dictionary(uniqueKeysWithValues: compiled.map { ($0.name!, [h1]) })
        let lock = try request.lock(compiled, hashes: hashes)
        XCTAssertEqual(lock.packages(in: .framework).map(\.name), ["filelock", "torch", "typing-extensions"])
        XCTAssertEqual(lock.packages(in: .cog).map(\.name), ["cog", "fastapi", "pydantic"])
        XCTAssertEqual(lock.packages(in: .app).map(\.name), ["idna", "requests"])
        XCTAssertThrowsError(try request.lock(compiled, hashes: [:]))
    }

    /// A fresh lock: the plan installs its packages exactly, step by step, and labels the image;
    /// a stale one is a warning and the plan is the one without a lock; `required` refuses it.
    func testPlanInstallsFromAFreshLock() throws {
        let m = try TemporaryModel(cogYAML: "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try m.write("requirements.txt", "requests\n")
        let kb = try TemporaryModel.kb.get()
        let planner = Planner(kb: kb)
        guard case .planned(let plain) = try planner.plan(m.root) else { return XCTFail("no plan") }
        guard case .ready(let request, let existing) = try planner.lockRequest(m.root) else { return XCTFail("no request") }
        XCTAssertNil(existing)
        XCTAssertEqual(request.requirements, "cog==\(request.choices.first { $0.key == "cog" }!.value)\nrequests\n")
        let compiled: [UvCompileOutput.Package] = [
            .init(name: "cog", version: PEP440Version(request.choices.first { $0.key == "cog" }!.value)!, via: [], index: nil),
            .init(name: "requests", version: PEP440Version("2.32.3")!, via: [], index: "https://pypi.org/simple"),
        ]
        let lock = try request.lock(compiled, hashes: ["cog": [h1], "requests": [h2]])
        try m.write("cogpack.lock", lock.render())

        guard case .planned(let locked) = try planner.plan(m.root) else { return XCTFail("no plan") }
        let app = try XCTUnwrap(locked.stages.first { $0.id == "app-deps" })
        guard case .exec(let exec) = app.operations.last else { return XCTFail("no install") }
        XCTAssertTrue(exec.argv.contains("--no-deps") && exec.argv.contains("--require-hashes"), "\(exec.argv)")
        XCTAssertEqual(locked.contexts["lock-app"]?.files["requirements.txt"]?.content, "requests==2.32.3 --hash=sha256:\(h2.digest)\n")
        XCTAssertEqual(locked.export.labels[LockFile.label], lock.digest)

        try m.write("requirements.txt", "requests\nurllib3<2\n")
        guard case .planned(let stale) = try planner.plan(m.root) else { return XCTFail("no plan") }
        guard case .planned(let unlocked) = try planner.plan(m.root, lock: .ignore) else { return XCTFail("no plan") }
        XCTAssertEqual(stale.stages, unlocked.stages)
        XCTAssertEqual(stale.contexts, unlocked.contexts)
        XCTAssertNil(stale.contexts["lock-app"])
        XCTAssertNil(stale.export.labels[LockFile.label])
        XCTAssertTrue(stale.resolution.warnings.contains { $0.contains("requirements.txt:2") }, "\(stale.resolution.warnings)")
        XCTAssertThrowsError(try planner.plan(m.root, lock: .required)) { e in
            XCTAssertEqual((e as! InputError).source, Provenance(file: "requirements.txt", line: 2))
        }
        // With the lock ignored, the plan is the one made before the lock existed.
        try m.write("requirements.txt", "requests\n")
        guard case .planned(let ignored) = try planner.plan(m.root, lock: .ignore) else { return XCTFail("no plan") }
        XCTAssertEqual(plain.stages, ignored.stages)
        XCTAssertEqual(plain.contexts, ignored.contexts)
    }
}

import Foundation
@testable import Planner
import Rules
import XCTest

/// URL, VCS and folder requirements in a lock: their lines (written and read back, the format
/// they bump, what a line must pin), the digest of a folder (stable, blind to what the build
/// context leaves out), what makes them stale beyond their requirement's line (an edited folder,
/// a new commit), uv's outputs for them read back, and how a plan installs them from a lock.
final class LockSourcesTests: XCTestCase {
    private let h1 = PackageHash("sha256:" + String(repeating: "a", count: 64))!
    private let commit = String(repeating: "c", count: 40)
    private let digest = "sha256:" + String(repeating: "d", count: 64)

    private func lock(_ packages: [LockedPackage], inputs: [LockInput] = []) -> LockFile {
        LockFile(platform: "x86_64-manylinux_2_28", uv: "0.9.26",
                 choices: [LockChoice("python", "3.11"), LockChoice("cuda", "none"), LockChoice("variant", "none"), LockChoice("cog", "0.16.8")],
                 options: [], inputs: inputs, packages: packages)
    }

    private func sources() -> [LockedPackage] {
        [LockedPackage(name: "iniconfig", version: PEP440Version("2.0.0")!, hashes: [h1], stage: .app,
                       origin: .url("https://files.example.org/iniconfig-2.0.0-py3-none-any.whl")),
         LockedPackage(name: "remote", version: PEP440Version("1.0")!, hashes: [], stage: .app,
                       origin: .vcs(reference: "git+https://example.org/org/remote.git@\(commit)#subdirectory=py", commit: commit)),
         LockedPackage(name: "vcspkg", version: PEP440Version("0.2.0")!, hashes: [], stage: .app,
                       origin: .vcs(reference: "git+file:repos/vcspkg@\(commit)", commit: commit)),
         LockedPackage(name: "localpkg", version: nil, hashes: [], stage: .app, origin: .folder(path: "local_pkg", digest: digest, editable: true)),
         LockedPackage(name: "six", version: PEP440Version("1.17.0")!, hashes: [h1], stage: .app, index: "https://pypi.org/simple"),
         LockedPackage(name: "tool", version: PEP440Version("1.0")!, hashes: [h1], stage: .app, origin: .file("dist/tool-1.0-py3-none-any.whl"))]
    }

    func testLinesRoundTripAndBumpTheFormat() throws {
        let lock = lock(sources())
        let text = lock.render()
        XCTAssertTrue(text.contains("# cogpack-lock: format=2\n"), text)
        XCTAssertEqual(try LockFile.parse(text), lock)
        XCTAssertEqual(try LockFile.parse(text).render(), text)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        XCTAssertEqual(lines, [
            "iniconfig @ https://files.example.org/iniconfig-2.0.0-py3-none-any.whl --hash=sha256:\(h1.digest) # stage=app version=2.0.0",
            "localpkg @ file:local_pkg # stage=app digest=\(digest) editable",
            "remote @ git+https://example.org/org/remote.git@\(commit)#subdirectory=py # stage=app version=1.0",
            "six==1.17.0 --hash=sha256:\(h1.digest) # stage=app index=https://pypi.org/simple",
            "tool @ file:dist/tool-1.0-py3-none-any.whl --hash=sha256:\(h1.digest) # stage=app version=1.0",
            "vcspkg @ git+file:repos/vcspkg@\(commit) # stage=app version=0.2.0",
        ])
        // The pins `cogpack diff` compares: a moved commit or digest is a changed value.
        XCTAssertEqual(lock.packages.map(\.pin), ["2.0.0 sha256:\(h1.digest)", digest, "1.0 commit \(commit)", "1.17.0",
                                                 "1.0 sha256:\(h1.digest)", "0.2.0 commit \(commit)"])
        XCTAssertEqual(lock.packages.map(\.modelPath), [nil, "local_pkg", nil, nil, "dist/tool-1.0-py3-none-any.whl", "repos/vcspkg"])
        // A lock of index packages only stays format 1, which every release with locks reads.
        XCTAssertTrue(self.lock([sources()[4]]).render().contains("# cogpack-lock: format=1\n"))
        XCTAssertThrowsError(try LockFile.parse(text.replacingOccurrences(of: "format=2", with: "format=3"))) { e in
            XCTAssertTrue((e as! InputError).message.contains("is not 1 or 2"), "\(e)")
        }
    }

    func testALineMustPinWhatItInstalls() {
        let bad = [
            ("x @ https://h/x-1.0-py3-none-any.whl # stage=app", "no --hash"),
            ("x @ git+https://h/x.git@main # stage=app", "@COMMIT"),
            ("x @ git+https://h/x.git@\(commit) --hash=\(h1.option.dropFirst(7)) # stage=app", "no file to hash"),
            ("x @ file:../outside # stage=app digest=\(digest)", "inside the model folder"),
            ("x @ file:/etc # stage=app digest=\(digest)", "inside the model folder"),
            ("x @ git+file:../repo@\(commit) # stage=app", "inside the model folder"),
            ("x @ file:pkg # stage=app", "digest="),
            ("x @ file:../x-1.0-py3-none-any.whl --hash=\(h1.option.dropFirst(7)) # stage=app", "inside the model folder"),
            ("x @ ftp://h/x.whl --hash=\(h1.option.dropFirst(7)) # stage=app", "not an http(s) URL"),
        ]
        for (line, message) in bad {
            XCTAssertThrowsError(try LockedPackage(parsing: line), line) { e in
                XCTAssertTrue((e as! LockSyntaxError).message.contains(message), "\(line): \((e as! LockSyntaxError).message)")
            }
        }
    }

    func testFolderDigestIsStableAndFollowsTheBuildContext() throws {
        func digest(_ m: TemporaryModel, _ path: String = "pkg") throws -> String {
            let folder = try ModelFolder(m.root)
            return try FolderDigest.of(path, source: try SourceInfo.read(folder), folder: folder)
        }
        let a = try TemporaryModel(), b = try TemporaryModel()
        for m in [a, b] {
            try m.write("pkg/pyproject.toml", "[project]\nname = \"pkg\"\n")
            try m.write("pkg/pkg/__init__.py", "X = 1\n")
        }
        let first = try digest(a)
        XCTAssertTrue(FolderDigest.isDigest(first), first)
        // The same files give the same digest, in any model folder and whenever they were touched.
        XCTAssertEqual(try digest(b), first)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: a.url("pkg/pkg/__init__.py").path)
        XCTAssertEqual(try digest(a), first)
        // Byte-code caches and what .dockerignore leaves out are not in the build, so not in the digest.
        try a.write("pkg/pkg/__pycache__/x.cpython-311.pyc", "junk")
        try a.write("pkg/notes.tmp", "scratch")
        try a.write(".dockerignore", "**/*.tmp\n")
        XCTAssertEqual(try digest(a), first)
        // Files outside the folder do not count; an edit, a new file or a renamed one does.
        try a.write("predict.py", TemporaryModel.predictor + "# edited\n")
        XCTAssertEqual(try digest(a), first)
        try a.write("pkg/pkg/__init__.py", "X = 2\n")
        let edited = try digest(a)
        XCTAssertNotEqual(edited, first)
        try a.write("pkg/pkg/extra.py", "")
        XCTAssertNotEqual(try digest(a), edited)
        try b.write("pkg/pkg/__init__.py", "")
        try FileManager.default.moveItem(at: b.url("pkg/pkg/__init__.py"), to: b.url("pkg/pkg/other.py"))
        try b.write("pkg/pkg/__init__.py", "X = 1\n")
        XCTAssertNotEqual(try digest(b), first)
    }

    /// A model with a source folder and a git repository: the lock records their digest and
    /// commit; an edit of the folder or a commit in the repository makes it stale, named at the
    /// requirement's line and by path.
    func testAnEditedFolderOrAMovedRepositoryMakesTheLockStale() throws {
        let m = try TemporaryModel(cogYAML: "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try m.write("local_pkg/pyproject.toml", "[project]\nname = \"localpkg\"\nversion = \"0.1\"\n")
        try m.write("vcspkg/pyproject.toml", "[project]\nname = \"vcspkg\"\nversion = \"0.2\"\n")
        try git(m.url("vcspkg"), "init -q")
        try git(m.url("vcspkg"), "add -A")
        try git(m.url("vcspkg"), "-c user.name=t -c user.email=t@example.org commit -qm one")
        try m.write("requirements.txt", "./local_pkg\ngit+file:vcspkg\nsix\n")
        let project = try Project.load(try ModelFolder(m.root), kb: try TemporaryModel.kb.get())
        let source = try SourceInfo.read(m.root)
        let pins = try LocalPin.of(project, source)
        XCTAssertEqual(pins.map(\.kind), [.folder, .repository])
        XCTAssertEqual(pins.map(\.path), ["local_pkg", "vcspkg"])
        XCTAssertEqual(pins.map(\.source), [Provenance(file: "requirements.txt", line: 1), Provenance(file: "requirements.txt", line: 2)])
        let head = try XCTUnwrap(pins[1].value)
        XCTAssertTrue(LocalRepository.isCommit(head), head)

        let inputs = LockInput.of(project)
        let locked = lock([LockedPackage(name: "localpkg", version: nil, hashes: [], stage: .app,
                                         origin: .folder(path: "local_pkg", digest: pins[0].value!, editable: false)),
                           LockedPackage(name: "vcspkg", version: PEP440Version("0.2")!, hashes: [], stage: .app,
                                         origin: .vcs(reference: "git+file:vcspkg@\(head)", commit: head))], inputs: inputs)
        XCTAssertEqual(LockChange.between(locked, inputs: inputs, choices: locked.choices, pins: pins), [])

        // An edit of the local package: stale, at its line, naming the folder.
        try m.write("local_pkg/localpkg.py", "X = 1\n")
        var now = try LocalPin.of(project, try SourceInfo.read(m.root))
        var changes = LockChange.between(locked, inputs: inputs, choices: locked.choices, pins: now)
        XCTAssertEqual(changes.map(\.source), [Provenance(file: "requirements.txt", line: 1)])
        XCTAssertTrue(changes[0].message.contains("the folder local_pkg changed since the lock was made"), changes[0].message)

        // A commit in the repository (its HEAD moved, and the line names no commit): stale too.
        try FileManager.default.removeItem(at: m.url("local_pkg/localpkg.py"))
        try m.write("vcspkg/vcspkg.py", "Y = 2\n")
        try git(m.url("vcspkg"), "add -A")
        try git(m.url("vcspkg"), "-c user.name=t -c user.email=t@example.org commit -qm two")
        now = try LocalPin.of(project, try SourceInfo.read(m.root))
        changes = LockChange.between(locked, inputs: inputs, choices: locked.choices, pins: now)
        XCTAssertEqual(changes.map(\.source), [Provenance(file: "requirements.txt", line: 2)])
        XCTAssertTrue(changes[0].message.contains("the repository vcspkg moved since the lock was made"), changes[0].message)
        XCTAssertTrue(changes[0].message.contains(head), changes[0].message)

        // A folder the lock installs that no requirement names: stale, whatever its digest.
        changes = LockChange.between(locked, inputs: inputs, choices: locked.choices, pins: [])
        XCTAssertEqual(changes.count, 2)
        XCTAssertTrue(changes[0].message.contains("which no requirement names now"), changes[0].message)
    }

    func testUvOutputsOfDirectReferencesReadBack() throws {
        let root = "/models/m"
        let text = """
        -e /models/m/local_pkg2  # via -r requirements.in
        idna==3.20                # via localpkg, localpkg2
            # from https://pypi.org/simple
        iniconfig @ https://files.example.org/iniconfig-2.0.0-py3-none-any.whl  # via -r requirements.in
        /models/m/local_pkg  # via -r requirements.in
        remote @ git+https://example.org/org/remote.git@\(commit)#subdirectory=py  # via -r requirements.in
        tool @ file:///models/m/dist/tool-1.0-py3-none-any.whl  # via -r requirements.in
        vcspkg @ git+file:///models/m/vcspkg@\(commit)  # via -r requirements.in
        """
        let compiled = try UvCompileOutput.packages(text)
        XCTAssertEqual(compiled.map(\.name), [nil, "idna", "iniconfig", nil, "remote", "tool", "vcspkg"])
        XCTAssertEqual(compiled.map(\.pin), ["-e /models/m/local_pkg2", "idna==3.20",
                                             "iniconfig @ https://files.example.org/iniconfig-2.0.0-py3-none-any.whl",
                                             "/models/m/local_pkg", "remote @ git+https://example.org/org/remote.git@\(commit)#subdirectory=py", "tool @ file:///models/m/dist/tool-1.0-py3-none-any.whl", "vcspkg @ git+file:///models/m/vcspkg@\(commit)"])
        let pylock = """
        [[packages]]
        name = "idna"
        version = "3.20"
        wheels = [{ url = "https://x/idna-3.20-py3-none-any.whl", hashes = { sha256 = "\(h1.digest)" } }]

        [[packages]]
        name = "iniconfig"
        version = "2.0.0"
        archive = { url = "https://files.example.org/iniconfig-2.0.0-py3-none-any.whl", hashes = { sha256 = "\(h1.digest)" } }

        [[packages]]
        name = "localpkg"
        directory = { path = "../models/m/local_pkg" }

        [[packages]]
        name = "localpkg2"
        directory = { path = "../models/m/local_pkg2", editable = true }

        [[packages]]
        name = "remote"
        version = "1.0"
        vcs = { type = "git", url = "https://example.org/org/remote.git", requested-revision = "main", commit-id = "\(commit)", subdirectory = "py" }

        [[packages]]
        name = "tool"
        version = "1.0"
        archive = { path = "../models/m/dist/tool-1.0-py3-none-any.whl", hashes = { sha256 = "\(h1.digest)" } }

        [[packages]]
        name = "vcspkg"
        version = "0.2.0"
        vcs = { type = "git", url = "file:///models/m/vcspkg", commit-id = "\(commit)" }
        """
        let locked = UvCompileOutput.locked(pylock: pylock)
        XCTAssertEqual(locked.map(\.name), ["idna", "iniconfig", "localpkg", "localpkg2", "remote", "tool", "vcspkg"])
        let request = LockRequest(requirements: "", constraints: "", options: [], python: "3.11", uvVersion: "0.9.26",
                                  choices: lock([]).choices, inputs: [], frameworkPackages: [], root: root,
                                  pins: [LocalPin(kind: .folder, path: "local_pkg", value: digest, source: Provenance(file: "requirements.txt", line: 1)),
                                         LocalPin(kind: .folder, path: "local_pkg2", value: digest, source: Provenance(file: "requirements.txt", line: 2)),
                                         LocalPin(kind: .file, path: "dist/tool-1.0-py3-none-any.whl", value: h1.option.dropFirst(7).description,
                                                  source: Provenance(file: "requirements.txt", line: 5))])
        let made = try request.lock(compiled, locked: locked, work: "/work")
        XCTAssertEqual(made.packages.map(\.line), [
            "idna==3.20 --hash=sha256:\(h1.digest) # stage=app index=https://pypi.org/simple",
            "iniconfig @ https://files.example.org/iniconfig-2.0.0-py3-none-any.whl --hash=sha256:\(h1.digest) # stage=app version=2.0.0",
            "localpkg @ file:local_pkg # stage=app digest=\(digest)",
            "localpkg2 @ file:local_pkg2 # stage=app digest=\(digest) editable",
            "remote @ git+https://example.org/org/remote.git@\(commit)#subdirectory=py # stage=app version=1.0",
            "tool @ file:dist/tool-1.0-py3-none-any.whl --hash=sha256:\(h1.digest) # stage=app version=1.0",
            "vcspkg @ git+file:vcspkg@\(commit) # stage=app version=0.2.0",
        ])
        // A folder uv resolved that is not one of the model's requirements is refused.
        XCTAssertThrowsError(try request.lock(compiled, locked: locked, work: "/deeper/work"))
    }

    /// A plan from a fresh lock with a folder and a repository of the model: the hashed packages
    /// first (`--require-hashes`), then git, then the folder and the checkout `--no-deps` from the
    /// model's files, bound read-only and copied to /src.
    func testPlanInstallsFoldersAndCheckoutsFromTheLock() throws {
        let m = try TemporaryModel(cogYAML: "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try m.write("local_pkg/pyproject.toml", "[project]\nname = \"localpkg\"\nversion = \"0.1\"\n")
        try m.write("vcspkg/pyproject.toml", "[project]\nname = \"vcspkg\"\nversion = \"0.2\"\n")
        try git(m.url("vcspkg"), "init -q")
        try git(m.url("vcspkg"), "add -A")
        try git(m.url("vcspkg"), "-c user.name=t -c user.email=t@example.org commit -qm one")
        try m.write("dist/tool-1.0-py3-none-any.whl", "not really a wheel")
        try m.write("requirements.txt", "-e ./local_pkg\ngit+file:vcspkg\nsix\ndist/tool-1.0-py3-none-any.whl\n")
        let planner = Planner(kb: try TemporaryModel.kb.get())
        guard case .ready(let request, _) = try planner.lockRequest(m.root) else { return XCTFail("no request") }
        XCTAssertTrue(request.requirements.contains("-e file://\(request.root)/local_pkg\n"), request.requirements)
        XCTAssertTrue(request.requirements.contains("git+file://\(request.root)/vcspkg\n"), request.requirements)
        XCTAssertTrue(request.requirements.contains("tool @ file://\(request.root)/dist/tool-1.0-py3-none-any.whl\n"), request.requirements)
        let head = try XCTUnwrap(request.pins.first { $0.kind == .repository }?.value)
        let wheel = try XCTUnwrap(request.pins.first { $0.kind == .file }?.value)
        XCTAssertEqual(wheel, "sha256:" + sha256("not really a wheel"))
        let cog = request.choices.first { $0.key == "cog" }!.value
        let locked = LockFile(platform: LockRequest.platform, uv: request.uvVersion, choices: request.choices, options: request.options,
                              inputs: request.inputs, packages: [
                                LockedPackage(name: "cog", version: PEP440Version(cog)!, hashes: [h1], stage: .cog, index: nil),
                                LockedPackage(name: "six", version: PEP440Version("1.17.0")!, hashes: [h1], stage: .app, index: nil),
                                LockedPackage(name: "localpkg", version: nil, hashes: [], stage: .app,
                                              origin: .folder(path: "local_pkg", digest: request.pins[0].value!, editable: true)),
                                LockedPackage(name: "vcspkg", version: nil, hashes: [], stage: .app,
                                              origin: .vcs(reference: "git+file:vcspkg@\(head)", commit: head)),
                                LockedPackage(name: "tool", version: PEP440Version("1.0")!, hashes: [PackageHash(wheel)!], stage: .app,
                                              origin: .file("dist/tool-1.0-py3-none-any.whl")),
                              ])
        try m.write("cogpack.lock", locked.render())
        guard case .planned(let plan) = try planner.plan(m.root, lock: .required) else { return XCTFail("no plan") }
        let app = try XCTUnwrap(plan.stages.first { $0.id == "app-deps" })
        let execs = app.operations.compactMap { op -> Plan.Operation.Exec? in if case .exec(let e) = op { e } else { nil } }
        XCTAssertEqual(execs.count, 3)
        XCTAssertTrue(execs[0].argv.contains("--require-hashes"), "\(execs[0].argv)")
        XCTAssertTrue(execs[1].argv.joined(separator: " ").contains("apt-get install -qqy --no-install-recommends git"), "\(execs[1].argv)")
        XCTAssertTrue(execs[2].argv.contains("--no-deps") && !execs[2].argv.contains("--require-hashes"), "\(execs[2].argv)")
        XCTAssertEqual(Array(execs[2].argv.prefix(2)), ["/bin/sh", "-c"])
        XCTAssertEqual(plan.contexts["lock-app"]?.files["requirements.txt"]?.content,
                       "six==1.17.0 --hash=sha256:\(h1.digest)\ntool @ file:///opt/cogpack/inputs/local/dist/tool-1.0-py3-none-any.whl --hash=\(wheel)\n")
        // The package file comes from the build context through a stage of its own, mounted for the hashed step.
        let files = try XCTUnwrap(plan.stages.first { $0.id == "local-packages" })
        XCTAssertEqual(files.operations, [.copy(.init(from: .context("context"), src: ["dist/tool-1.0-py3-none-any.whl"], dest: "/dist/tool-1.0-py3-none-any.whl"))])
        XCTAssertTrue(execs[0].mounts.contains(.input(.stage("local-packages"), target: "/opt/cogpack/inputs/local", path: "/")), "\(execs[0].mounts)")
        XCTAssertEqual(plan.contexts["lock-sources"]?.files["requirements.txt"]?.content,
                       "-e /src/local_pkg\nvcspkg @ git+file:///src/vcspkg@\(head)\n")
        for folder in ["local_pkg", "vcspkg"] {
            XCTAssertTrue(execs[2].mounts.contains(.input(.context("context"), target: AppDepsBlock.modelMountPoint + "/" + folder, path: "/" + folder)),
                          "\(execs[2].mounts)")
        }
        XCTAssertTrue(execs[2].mounts.contains(.tmpfs(target: "/src")))

        // The package file replaced: stale at its line.
        try m.write("dist/tool-1.0-py3-none-any.whl", "another wheel")
        XCTAssertThrowsError(try planner.plan(m.root, lock: .required)) { e in
            let error = e as! InputError
            XCTAssertEqual(error.source, Provenance(file: "requirements.txt", line: 4))
            XCTAssertTrue(error.message.contains("the file dist/tool-1.0-py3-none-any.whl changed"), error.message)
        }
        try m.write("dist/tool-1.0-py3-none-any.whl", "not really a wheel")
        // The local package edited: `--locked` refuses, naming its line and its path.
        try m.write("local_pkg/localpkg.py", "X = 1\n")
        XCTAssertThrowsError(try planner.plan(m.root, lock: .required)) { e in
            let error = e as! InputError
            XCTAssertEqual(error.source, Provenance(file: "requirements.txt", line: 1))
            XCTAssertTrue(error.message.contains("the folder local_pkg changed"), error.message)
        }
    }

    /// A remote checkout in a lock: installed at its commit from the network (git installed for
    /// it), with no model folder mounted; its requirement's line keeps the lock fresh.
    func testARemoteCheckoutIsInstalledAtItsCommitFromTheNetwork() throws {
        let m = try TemporaryModel(cogYAML: "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try m.write("requirements.txt", "git+https://example.org/org/remote.git@main#egg=remote\n")
        let planner = Planner(kb: try TemporaryModel.kb.get())
        guard case .ready(let request, _) = try planner.lockRequest(m.root) else { return XCTFail("no request") }
        XCTAssertTrue(request.requirements.hasSuffix("git+https://example.org/org/remote.git@main#egg=remote\n"), request.requirements)
        XCTAssertEqual(request.pins, [])
        let cog = request.choices.first { $0.key == "cog" }!.value
        let reference = "git+https://example.org/org/remote.git@\(commit)"
        try m.write("cogpack.lock", LockFile(platform: LockRequest.platform, uv: request.uvVersion, choices: request.choices, options: [],
                                             inputs: request.inputs, packages: [
                                                LockedPackage(name: "cog", version: PEP440Version(cog)!, hashes: [h1], stage: .cog, index: nil),
                                                LockedPackage(name: "remote", version: PEP440Version("1.0")!, hashes: [], stage: .app,
                                                              origin: .vcs(reference: reference, commit: commit)),
                                             ]).render())
        guard case .planned(let plan) = try planner.plan(m.root, lock: .required) else { return XCTFail("no plan") }
        let app = try XCTUnwrap(plan.stages.first { $0.id == "app-deps" })
        let execs = app.operations.compactMap { op -> Plan.Operation.Exec? in if case .exec(let e) = op { e } else { nil } }
        XCTAssertEqual(execs.count, 2, "git, then the checkout: \(execs.map(\.label))")
        XCTAssertTrue(execs[0].argv.joined(separator: " ").contains("install -qqy --no-install-recommends git"))
        XCTAssertTrue(execs[1].argv.contains("--no-deps") && !execs[1].argv.contains("--require-hashes"), "\(execs[1].argv)")
        XCTAssertFalse(execs[1].argv.contains("/bin/sh"), "no model folder to copy: \(execs[1].argv)")
        XCTAssertTrue(execs[1].network && execs[1].mounts.contains(.caBundle(target: "/etc/ssl/certs/cogpack-ca.pem")), "\(execs[1].mounts)")
        XCTAssertFalse(execs[1].mounts.contains(.tmpfs(target: "/src")))
        XCTAssertEqual(plan.contexts["lock-sources"]?.files["requirements.txt"]?.content, "remote @ \(reference)\n")
        XCTAssertNil(plan.contexts["lock-app"], "nothing hashed in the app step")
    }

    private func sha256(_ text: String) -> String {
        FolderDigest.fileDigest(Data(text.utf8)).dropFirst(7).description
    }

    private func git(_ dir: URL, _ arguments: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "git -C '\(dir.path)' \(arguments)"]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "git \(arguments)")
    }
}

import Foundation
@testable import Planner
import Rules
import XCTest

/// `--find-links` folders of the model in a lock: the archive lines and the folder's header lines
/// (written and read back), uv's outputs for them read back (uv gives no hash of such a file, the
/// lock hashes it), what makes the lock stale (an archive changed, added or removed, named at the
/// `--find-links` line), and how a plan installs them from the lock.
final class LockFindLinksTests: XCTestCase {
    private let h1 = PackageHash("sha256:" + String(repeating: "a", count: 64))!
    private let h2 = PackageHash("sha256:" + String(repeating: "b", count: 64))!
    private let cogYAML = "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n"

    private func lock(_ packages: [LockedPackage], findLinks: [FindLinksFolder], inputs: [LockInput] = []) -> LockFile {
        LockFile(platform: "x86_64-manylinux_2_28", uv: "0.9.26",
                 choices: [LockChoice("python", "3.11"), LockChoice("cuda", "none"), LockChoice("variant", "none"), LockChoice("cog", "0.16.8")],
                 options: [], inputs: inputs, packages: packages, findLinks: findLinks)
    }

    func testLinesRoundTrip() throws {
        let folder = FindLinksFolder(path: "wheels", files: ["flpkg-1.2.0-py3-none-any.whl": "sha256:" + h1.digest,
                                                            "other-0.1.tar.gz": "sha256:" + h2.digest],
                                     source: Provenance(file: "requirements.txt", line: 1))
        let empty = FindLinksFolder(path: "more/wheels", files: [:], source: Provenance(file: "requirements.txt", line: 2))
        let flpkg = LockedPackage(name: "flpkg", version: PEP440Version("1.2.0")!, hashes: [h1], stage: .framework,
                                  origin: .findLinks(folder: "wheels", path: "wheels/flpkg-1.2.0-py3-none-any.whl"))
        let six = LockedPackage(name: "six", version: PEP440Version("1.17.0")!, hashes: [h2], stage: .app, index: "https://pypi.org/simple")
        let lock = lock([flpkg, six], findLinks: [folder, empty])
        let text = lock.render()
        XCTAssertTrue(text.contains("# cogpack-lock: format=2\n"), text)
        XCTAssertTrue(text.contains("""
            # cogpack-lock: find-links=more/wheels
            # cogpack-lock: find-links=wheels flpkg-1.2.0-py3-none-any.whl sha256:\(h1.digest)
            # cogpack-lock: find-links=wheels other-0.1.tar.gz sha256:\(h2.digest)

            """), text)
        XCTAssertTrue(text.contains("\nflpkg @ file:wheels/flpkg-1.2.0-py3-none-any.whl --hash=sha256:\(h1.digest) # stage=framework version=1.2.0 find-links=wheels\n"), text)
        let parsed = try LockFile.parse(text)
        XCTAssertEqual(parsed, lock)
        XCTAssertEqual(parsed.render(), text)
        XCTAssertEqual(parsed.findLinks.map(\.source.line), [10, 11])
        // `cogpack diff` shows another archive as another hash, as for a package file.
        XCTAssertEqual(flpkg.pin, "1.2.0 sha256:\(h1.digest)")
        XCTAssertTrue(flpkg.isHashed)
        // The folder alone keeps the lock in format 2 (a reader of format 1 refuses it).
        XCTAssertTrue(self.lock([six], findLinks: [empty]).render().contains("format=2\n"))

        let bad = [
            ("flpkg @ file:other/flpkg-1.2.0-py3-none-any.whl --hash=\(h1.option.dropFirst(7)) # stage=app version=1.2.0 find-links=wheels", "needs file:wheels/ARCHIVE"),
            ("flpkg @ file:wheels/sub/flpkg-1.2.0-py3-none-any.whl --hash=\(h1.option.dropFirst(7)) # stage=app find-links=wheels", "needs file:wheels/ARCHIVE"),
            ("flpkg @ file:wheels/flpkg-1.2.0-py3-none-any.whl # stage=app find-links=wheels", "needs file:wheels/ARCHIVE"),
            ("flpkg @ file:../w/flpkg-1.2.0-py3-none-any.whl --hash=\(h1.option.dropFirst(7)) # stage=app find-links=../w", "inside the model folder"),
        ]
        for (line, message) in bad {
            XCTAssertThrowsError(try LockedPackage(parsing: line), line) { e in
                XCTAssertTrue((e as! LockSyntaxError).message.contains(message), "\(line): \((e as! LockSyntaxError).message)")
            }
        }
        for header in ["find-links=../w", "find-links=wheels README.md sha256:\(h1.digest)", "find-links=wheels x-1.0.tar.gz sha256:zz",
                       "find-links=wheels a/x-1.0.tar.gz sha256:\(h1.digest)"] {
            let edited = text.replacingOccurrences(of: "# cogpack-lock: find-links=more/wheels", with: "# cogpack-lock: " + header)
            XCTAssertThrowsError(try LockFile.parse(edited), header) { e in
                XCTAssertEqual((e as! InputError).source, Provenance(file: "cogpack.lock", line: 10), "\(e)")
            }
        }
    }

    /// uv 0.9.26 names a find-links archive by its `file://` URL with `hashes = {}`: the lock takes
    /// the hash of the file as the model has it, and of several wheels the most specific one.
    func testUvOutputsReadBackWithTheFilesHashes() throws {
        let compiled = try UvCompileOutput.packages("""
            flpkg==1.2.0              # via -r requirements.in
                # from file:///models/m%20x/wheels
            native==2.0               # via flpkg
                # from file:///models/m%20x/wheels
            six==1.17.0               # via flpkg
                # from https://pypi.org/simple
            srconly==0.3              # via -r requirements.in
                # from file:///models/m%20x/wheels
            """)
        let locked = UvCompileOutput.locked(pylock: """
            [[packages]]
            name = "flpkg"
            version = "1.2.0"
            wheels = [{ url = "file:///models/m%20x/wheels/flpkg-1.2.0-py3-none-any.whl", hashes = {} }]

            [[packages]]
            name = "native"
            version = "2.0"
            sdist = { url = "file:///models/m%20x/wheels/native-2.0.tar.gz", hashes = {} }
            wheels = [
                { url = "file:///models/m%20x/wheels/native-2.0-py3-none-any.whl", hashes = {} },
                { url = "file:///models/m%20x/wheels/native-2.0-cp311-cp311-manylinux_2_28_x86_64.whl", hashes = {} },
            ]

            [[packages]]
            name = "six"
            version = "1.17.0"
            wheels = [{ url = "https://x/six-1.17.0-py2.py3-none-any.whl", hashes = { sha256 = "\(h2.digest)" } }]

            [[packages]]
            name = "srconly"
            version = "0.3"
            sdist = { url = "file:///models/m%20x/wheels/srconly-0.3.tar.gz", hashes = {} }
            """)
        XCTAssertEqual(locked.map(\.localWheels.count), [1, 2, 0, 0])
        XCTAssertEqual(locked.map(\.localSdists.count), [0, 1, 0, 1])
        let names = ["flpkg-1.2.0-py3-none-any.whl", "native-2.0.tar.gz", "native-2.0-py3-none-any.whl",
                     "native-2.0-cp311-cp311-manylinux_2_28_x86_64.whl", "srconly-0.3.tar.gz"]
        var files: [String: String] = [:]
        for (n, name) in names.enumerated() { files[name] = "sha256:" + String(repeating: String(n + 1), count: 64) }
        let folder = FindLinksFolder(path: "wheels", files: files, source: Provenance(file: "requirements.txt", line: 1))
        let request = LockRequest(requirements: "", constraints: "", options: [], python: "3.11", uvVersion: "0.9.26",
                                  choices: lock([], findLinks: []).choices, inputs: [], frameworkPackages: [], root: "/models/m x",
                                  findLinks: [folder], findLinksURLs: ["file:///models/m%20x/wheels"])
        XCTAssertEqual(Array(request.arguments.suffix(2)), ["--find-links", "file:///models/m%20x/wheels"])
        let made = try request.lock(compiled, locked: locked, work: "/work")
        XCTAssertEqual(made.packages.map(\.line), [
            "flpkg @ file:wheels/flpkg-1.2.0-py3-none-any.whl --hash=sha256:\(String(repeating: "1", count: 64)) # stage=app version=1.2.0 find-links=wheels",
            "native @ file:wheels/native-2.0-cp311-cp311-manylinux_2_28_x86_64.whl --hash=sha256:\(String(repeating: "4", count: 64)) # stage=app version=2.0 find-links=wheels",
            "six==1.17.0 --hash=sha256:\(h2.digest) # stage=app index=https://pypi.org/simple",
            "srconly @ file:wheels/srconly-0.3.tar.gz --hash=sha256:\(String(repeating: "5", count: 64)) # stage=app version=0.3 find-links=wheels",
        ])
        XCTAssertEqual(made.findLinks, [folder])
        // An archive uv saw on the host that the build context leaves out: named at the folder's line.
        var ignored = request
        ignored.findLinks = [FindLinksFolder(path: "wheels", files: files.filter { $0.key != "srconly-0.3.tar.gz" }, source: folder.source)]
        XCTAssertThrowsError(try ignored.lock(compiled, locked: locked, work: "/work")) { e in
            XCTAssertEqual((e as! InputError).source, folder.source)
            XCTAssertTrue((e as! InputError).message.contains("wheels/srconly-0.3.tar.gz, which is not in the build context"), "\(e)")
        }
        // An archive outside the model's find-links folders is refused.
        var elsewhere = request
        elsewhere.findLinks = []
        XCTAssertThrowsError(try elsewhere.lock(compiled, locked: locked, work: "/work"))
    }

    /// A model with `--find-links wheels`: uv gets the folder by its absolute path and the lock
    /// records its archives; a plan from the lock installs the archive hash-checked from the folder
    /// bound from the build context; a changed, added or removed archive makes it stale at line 1.
    func testAFindLinksFolderIsLockedAndGoesStaleByItsArchives() throws {
        let m = try TemporaryModel(cogYAML: cogYAML)
        try m.write("wheels/flpkg-1.2.0-py3-none-any.whl", "a wheel")
        try m.write("wheels/README.md", "not an archive")
        try m.write("wheels/sub/deeper-1.0-py3-none-any.whl", "uv does not look here")
        try m.write("requirements.txt", "--find-links wheels\nflpkg\nsix\n")
        let planner = Planner(kb: try TemporaryModel.kb.get())
        guard case .ready(let request, _) = try planner.lockRequest(m.root) else { return XCTFail("no request") }
        XCTAssertEqual(request.findLinksURLs, [LockRequest.url(request.root + "/wheels")])
        XCTAssertFalse(request.options.contains { $0.hasPrefix("--find-links") }, "\(request.options)")
        XCTAssertTrue(request.options.contains("--index-strategy unsafe-best-match"), "two sources of packages, as the build counts them: \(request.options)")
        let digest = "sha256:" + sha256("a wheel")
        XCTAssertEqual(request.findLinks, [FindLinksFolder(path: "wheels", files: ["flpkg-1.2.0-py3-none-any.whl": digest],
                                                           source: Provenance(file: "requirements.txt", line: 1))])
        XCTAssertEqual(request.findLinks[0].source, Provenance(file: "requirements.txt", line: 1))

        let cog = request.choices.first { $0.key == "cog" }!.value
        let locked = LockFile(platform: LockRequest.platform, uv: request.uvVersion, choices: request.choices, options: request.options,
                              inputs: request.inputs, packages: [
                                LockedPackage(name: "cog", version: PEP440Version(cog)!, hashes: [h1], stage: .cog, index: nil),
                                LockedPackage(name: "six", version: PEP440Version("1.17.0")!, hashes: [h1], stage: .app, index: nil),
                                LockedPackage(name: "flpkg", version: PEP440Version("1.2.0")!, hashes: [PackageHash(digest)!], stage: .app,
                                              origin: .findLinks(folder: "wheels", path: "wheels/flpkg-1.2.0-py3-none-any.whl")),
                              ], findLinks: request.findLinks)
        XCTAssertEqual(LockChange.between(locked, inputs: request.inputs, choices: request.choices, pins: request.pins, findLinks: request.findLinks), [])
        try m.write("cogpack.lock", locked.render())
        guard case .planned(let plan) = try planner.plan(m.root, lock: .required) else { return XCTFail("no plan") }
        let app = try XCTUnwrap(plan.stages.first { $0.id == "app-deps" })
        let execs = app.operations.compactMap { op -> Plan.Operation.Exec? in if case .exec(let e) = op { e } else { nil } }
        XCTAssertEqual(execs.count, 1)
        XCTAssertTrue(execs[0].argv.contains("--require-hashes"), "\(execs[0].argv)")
        XCTAssertFalse(execs[0].argv.contains("--find-links"), "\(execs[0].argv)")
        XCTAssertEqual(plan.contexts["lock-app"]?.files["requirements.txt"]?.content,
                       "flpkg @ file:///opt/cogpack/inputs/find-links/wheels/flpkg-1.2.0-py3-none-any.whl --hash=\(digest)\nsix==1.17.0 --hash=\(h1.option.dropFirst(7))\n")
        XCTAssertTrue(execs[0].mounts.contains(.input(.context("context"), target: "/opt/cogpack/inputs/find-links/wheels", path: "/wheels")), "\(execs[0].mounts)")
        XCTAssertNil(plan.stages.first { $0.id == "local-packages" })
        // The cog step installs nothing from the folder, so it does not mount it.
        let cogStage = try XCTUnwrap(plan.stages.first { $0.id == "cog" })
        for case .exec(let e) in cogStage.operations {
            XCTAssertFalse(e.mounts.contains { $0.target.hasPrefix(LockedInstall.findLinksMountPoint) }, "\(e.mounts)")
        }

        // An archive the SDK needs is installed in the cog step, which then mounts the folder.
        var inCog = locked
        inCog.packages = locked.packages.map { p in
            p.name == "flpkg" ? LockedPackage(name: p.name, version: p.version, hashes: p.hashes, stage: .cog, origin: p.origin) : p
        }
        try m.write("cogpack.lock", inCog.render())
        guard case .planned(let cogPlan) = try planner.plan(m.root, lock: .required) else { return XCTFail("no plan") }
        let mount = Mount.input(.context("context"), target: "/opt/cogpack/inputs/find-links/wheels", path: "/wheels")
        for (id, mounted) in [("cog", true), ("app-deps", false)] {
            let stage = try XCTUnwrap(cogPlan.stages.first { $0.id == id })
            for case .exec(let e) in stage.operations { XCTAssertEqual(e.mounts.contains(mount), mounted, "\(id): \(e.mounts)") }
        }
        XCTAssertTrue(cogPlan.contexts["lock-cog"]?.files["requirements.txt"]?.content.contains("flpkg @ file:///opt/cogpack/inputs/find-links/wheels/") ?? false)
        try m.write("cogpack.lock", locked.render())

        // What is not an archive directly in the folder does not count.
        try m.write("wheels/README.md", "edited")
        try m.write("wheels/sub/deeper-1.0-py3-none-any.whl", "edited")
        XCTAssertNoThrow(try planner.plan(m.root, lock: .required))
        // The archive replaced, an archive added, the archive removed: stale at the --find-links line.
        let cases: [(String, () throws -> Void)] = [
            ("wheels/flpkg-1.2.0-py3-none-any.whl changed (its sha256 is sha256:\(sha256("another wheel")), the lock has \(digest))",
             { try m.write("wheels/flpkg-1.2.0-py3-none-any.whl", "another wheel") }),
            ("wheels/flpkg-1.3.0-py3-none-any.whl was added", {
                try m.write("wheels/flpkg-1.2.0-py3-none-any.whl", "a wheel")
                try m.write("wheels/flpkg-1.3.0-py3-none-any.whl", "a newer wheel")
            }),
            ("wheels/flpkg-1.2.0-py3-none-any.whl was removed", {
                try FileManager.default.removeItem(at: m.url("wheels/flpkg-1.3.0-py3-none-any.whl"))
                try FileManager.default.moveItem(at: m.url("wheels/flpkg-1.2.0-py3-none-any.whl"), to: m.url("wheels/flpkg-1.2.0.tar.gz"))
            }),
        ]
        for (message, change) in cases {
            try change()
            XCTAssertThrowsError(try planner.plan(m.root, lock: .required), message) { e in
                let error = e as! InputError
                XCTAssertEqual(error.source, Provenance(file: "requirements.txt", line: 1))
                XCTAssertTrue(error.message.contains("the --find-links folder wheels changed since the lock was made"), error.message)
                XCTAssertTrue(error.message.contains(message), error.message)
            }
        }
    }

    /// A `--find-links` path that is a file, or that the lock could not write, is exit 2 at its line.
    func testAFindLinksPathTheLockCannotHoldIsNamed() throws {
        let m = try TemporaryModel(cogYAML: cogYAML)
        try m.write("flpkg-1.2.0-py3-none-any.whl", "a wheel")
        try m.write("requirements.txt", "six\n-f flpkg-1.2.0-py3-none-any.whl\n")
        let planner = Planner(kb: try TemporaryModel.kb.get())
        XCTAssertThrowsError(try planner.lockRequest(m.root)) { e in
            XCTAssertEqual((e as! InputError).source, Provenance(file: "requirements.txt", line: 2))
        }
        // An archive that is a symlink out of the folder (here out of the model) is never read.
        let outside = try TemporaryModel()
        try outside.write("secret-1.0-py3-none-any.whl", "not the model's")
        try m.write("requirements.txt", "six\n-f wheels\n")
        try m.write("wheels/own-1.0-py3-none-any.whl", "a wheel")
        try FileManager.default.createSymbolicLink(at: m.url("wheels/secret-1.0-py3-none-any.whl"), withDestinationURL: outside.url("secret-1.0-py3-none-any.whl"))
        XCTAssertThrowsError(try planner.lockRequest(m.root)) { e in
            XCTAssertEqual((e as! InputError).source, Provenance(file: "requirements.txt", line: 2), "\(e)")
        }
        try FileManager.default.removeItem(at: m.url("wheels/secret-1.0-py3-none-any.whl"))
        try FileManager.default.createSymbolicLink(atPath: m.url("wheels/alias-1.0-py3-none-any.whl").path, withDestinationPath: "own-1.0-py3-none-any.whl")
        guard case .ready(let request, _) = try planner.lockRequest(m.root) else { return XCTFail("no request") }
        XCTAssertEqual(request.findLinks.first?.files["alias-1.0-py3-none-any.whl"], "sha256:" + sha256("a wheel"))
    }

    private func sha256(_ text: String) -> String {
        FolderDigest.fileDigest(Data(text.utf8)).dropFirst(7).description
    }
}

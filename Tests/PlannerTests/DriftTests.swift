import Foundation
@testable import Planner
import Rules
import XCTest

/// `cogpack diff`'s comparison: changed, added and removed packages and choices; a side without a
/// lock compares choices only; the records read back from a lock file and from the labels a plan
/// gives its image (with and without a lock) say the same thing.
final class DriftTests: XCTestCase {
    private let h1 = PackageHash("sha256:" + String(repeating: "a", count: 64))!

    private func package(_ name: String, _ version: String, _ stage: LockedPackage.Stage = .app) -> LockedPackage {
        LockedPackage(name: name, version: PEP440Version(version)!, hashes: [h1], stage: stage, index: "https://pypi.org/simple")
    }

    private func lock(python: String = "3.11", cog: String = "0.16.8", _ packages: [LockedPackage]) -> LockFile {
        LockFile(platform: "x86_64-manylinux_2_28", uv: "0.9.26",
                 choices: [LockChoice("python", python), LockChoice("cuda", "none"), LockChoice("variant", "none"), LockChoice("cog", cog)],
                 options: [], inputs: [LockInput(file: "requirements.txt", text: "six")], packages: packages)
    }

    func testPackagesMovedAddedAndRemoved() {
        let a = EnvironmentRecord(lock: lock([package("six", "1.16.0"), package("idna", "3.7"), package("cog", "0.16.8", .cog)]))
        let b = EnvironmentRecord(lock: lock([package("six", "1.17.0"), package("certifi", "2024.8.30"), package("cog", "0.16.8", .cog)]))
        let drift = Drift.between(a, b)
        XCTAssertTrue(drift.packagesCompared)
        XCTAssertEqual(drift.choices, [])
        // Sorted by name; the unchanged cog is not listed.
        XCTAssertEqual(drift.packages.map(\.line), ["+ certifi 2024.8.30", "- idna 3.7", "six 1.16.0 → 1.17.0"])
        XCTAssertFalse(drift.isEmpty)
        XCTAssertTrue(Drift.between(a, a).isEmpty)
    }

    func testChoicesThatMovedAreNamedInTheOldSidesOrder() {
        let a = EnvironmentRecord(lock: lock([package("six", "1.16.0")]))
        var l = lock(python: "3.12", cog: "0.17.0", [package("six", "1.16.0")])
        l.uv = "0.9.30"
        l.options = ["--prerelease allow"]
        let drift = Drift.between(a, EnvironmentRecord(lock: l))
        XCTAssertEqual(drift.choices.map(\.line), ["python 3.11 → 3.12", "cog 0.16.8 → 0.17.0", "uv 0.9.26 → 0.9.30", "+ options --prerelease allow"])
        XCTAssertEqual(drift.packages, [])
    }

    func testFrameworkPinsAreOneChoice() {
        var a = lock([package("torch", "2.3.1", .framework)]), b = a
        a.choices.insert(LockChoice("framework", "torch==2.3.1"), at: 3)
        b.choices.insert(LockChoice("framework", "torch==2.4.0"), at: 3)
        XCTAssertEqual(Drift.between(EnvironmentRecord(lock: a), EnvironmentRecord(lock: b)).choices.map(\.line),
                       ["framework torch==2.3.1 → torch==2.4.0"])
    }

    func testWithoutALockOnlyChoicesAreCompared() {
        let withLock = EnvironmentRecord(choices: [.init("python", "3.11")], packages: ["six": "1.16.0"], lockDigest: "sha256:1")
        let without = EnvironmentRecord(choices: [.init("python", "3.12")], packages: nil, lockDigest: nil)
        let drift = Drift.between(withLock, without)
        XCTAssertFalse(drift.packagesCompared)
        XCTAssertEqual(drift.packages, [])
        XCTAssertEqual(drift.choices.map(\.line), ["python 3.11 → 3.12"])
        XCTAssertTrue(Drift.between(without, without).isEmpty)
    }

    func testPackagesLabelIsTheLocksPinsSortedAndReadsBack() {
        let l = lock([package("Six", "1.17.0"), package("cog", "0.16.8", .cog)])
        XCTAssertEqual(LockPackagesLabel.text(l), "cog==0.16.8\nsix==1.17.0")
        XCTAssertEqual(LockPackagesLabel.decode(LockPackagesLabel.text(l)), ["cog": "0.16.8", "six": "1.17.0"])
        XCTAssertNil(LockPackagesLabel.decode("six"))
        XCTAssertNil(LockPackagesLabel.decode("six==1\nsix==2"))
    }

    func testUnreadableLabels() {
        XCTAssertThrowsError(try EnvironmentRecord(labels: ["run.cog.version": "0.16.8"])) { XCTAssertEqual($0 as? EnvironmentRecord.Unreadable, .notCogpack) }
        XCTAssertThrowsError(try EnvironmentRecord(labels: [ResolutionLabel.key: "{}"])) {
            XCTAssertEqual($0 as? EnvironmentRecord.Unreadable, .otherRelease(label: ResolutionLabel.key))
        }
    }

    /// The labels a plan gives its image: without a lock no package list; with one, the lock's
    /// pins, and the same packages as the lock file itself; the choices are the resolution's.
    func testRecordFromAPlansLabels() throws {
        let m = try TemporaryModel(cogYAML: "build:\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n")
        try m.write("requirements.txt", "six\n")
        let planner = Planner(kb: try TemporaryModel.kb.get())
        guard case .planned(let plain) = try planner.plan(m.root) else { return XCTFail("no plan") }
        let unlocked = try EnvironmentRecord(labels: plain.export.labels)
        XCTAssertNil(unlocked.packages)
        XCTAssertNil(plain.export.labels[LockPackagesLabel.key])
        XCTAssertEqual(unlocked.choices.first { $0.name == "python" }?.value, "3.11")
        XCTAssertTrue(unlocked.choices.contains { $0.name == "base_image" }, "\(unlocked.choices)")
        let cog = try XCTUnwrap(unlocked.choices.first { $0.name == "cog" }?.value)

        guard case .ready(let request, _) = try planner.lockRequest(m.root) else { return XCTFail("no request") }
        let compiled: [UvCompileOutput.Package] = [
            .init(name: "cog", version: PEP440Version(cog)!, via: [], index: nil),
            .init(name: "six", version: PEP440Version("1.16.0")!, via: [], index: "https://pypi.org/simple"),
        ]
        let l = try request.lock(compiled, hashes: ["cog": [h1], "six": [h1]])
        try m.write("cogpack.lock", l.render())
        guard case .planned(let locked) = try planner.plan(m.root) else { return XCTFail("no plan") }
        XCTAssertEqual(locked.export.labels[LockPackagesLabel.key], "cog==\(cog)\nsix==1.16.0")
        // Only a locked build fixes its history times; a plan without a lock is as before.
        XCTAssertEqual(locked.export.fixedHistoryTime, true)
        XCTAssertNil(plain.export.fixedHistoryTime)
        let record = try EnvironmentRecord(labels: locked.export.labels)
        XCTAssertEqual(record.packages, EnvironmentRecord(lock: l).packages)
        XCTAssertEqual(record.lockDigest, l.digest)
        // Same resolution, same choices: the lock adds only the package list.
        XCTAssertEqual(record.choices, unlocked.choices)
        XCTAssertTrue(Drift.between(unlocked, record).isEmpty)
        XCTAssertFalse(Drift.between(unlocked, record).packagesCompared)
    }
}

import Foundation
import Planner
import Resolver
import Rules
import XCTest

/// Each folder under Fixtures/ is a model with an `expect.yaml`: the status, and values that
/// chosen variables must have (or the sources the conflict core must name), and the warnings
/// reading its files must give (`file:line: text`, each a part of one warning).
final class ScenarioTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func testEveryScenario() throws {
        let kb = try KnowledgeBase.load(root: Self.repo)
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let dir = Self.fixtures.appendingPathComponent(name)
            let expect = try YAMLFile.load(path: dir.appendingPathComponent("expect.yaml"), display: "\(name)/expect.yaml")
            let e = try expect.mapping("expect", allowed: ["status", "choices", "absent", "core", "error", "drivers", "gpus", "correction", "warnings"])
            let status = try e["status"]!.string("status")
            let drivers = try e["drivers"]?.strings("drivers").compactMap(DottedVersion.init) ?? []
            let gpus = try e["gpus"]?.strings("gpus") ?? []
            let outcome: Outcome
            let warnings: [String]
            do {
                let project = try Project.load(dir, kb: kb)
                warnings = project.warnings.map(\.description)
                outcome = try Resolver(kb: kb).resolve(project.requests(drivers: drivers, gpus: gpus))
            } catch let error as InputError {
                XCTAssertEqual(status, "error", "\(name): unexpected input error \(error)")
                if let want = try e["error"]?.string("error") {
                    XCTAssertTrue(error.description.contains(want), "\(name): error '\(error)' lacks '\(want)'")
                }
                continue
            }
            switch outcome {
            case .resolved(let r):
                XCTAssertEqual(status, "resolved", "\(name): resolved but expected \(status)")
                for want in try e["warnings"]?.strings("warnings") ?? [] {
                    XCTAssertTrue(warnings.contains { $0.contains(want) }, "\(name): no warning with '\(want)': \(warnings)")
                }
                for entry in try e["choices"]?.entries("choices") ?? [] {
                    let want = try entry.value.versionText(entry.key)
                    if entry.key == "apt_packages" {
                        XCTAssertEqual(r.apt.packages.joined(separator: " "), want, "\(name): apt packages")
                    } else {
                        XCTAssertEqual(r.choice(ResolverVariable(name: entry.key))?.value.description, want, "\(name): \(entry.key)")
                    }
                }
                for v in try e["absent"]?.strings("absent") ?? [] {
                    XCTAssertNil(r.choice(ResolverVariable(name: v)), "\(name): \(v) should not apply")
                }
            case .conflict(let c):
                XCTAssertEqual(status, "conflict", "\(name): conflict \(c.core) but expected \(status)")
                for source in try e["core"]?.strings("core") ?? [] {
                    XCTAssertTrue(c.core.contains { $0.source == source }, "\(name): core lacks \(source): \(c.core)")
                }
                if let want = try e["correction"]?.string("correction") {
                    let texts = c.corrections.map(CorrectionRenderer.text)
                    XCTAssertTrue(texts.contains { $0.contains(want) }, "\(name): no correction with '\(want)': \(texts)")
                }
            }
        }
    }
}

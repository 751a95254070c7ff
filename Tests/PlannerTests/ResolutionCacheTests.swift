import Foundation
@testable import Planner
import Resolver
import Rules
import XCTest

final class ResolutionCacheTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testASecondResolveIsReadBackAndOtherRequestsAreNot() throws {
        let kb = try KnowledgeBase.load(root: Self.repo)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ResolutionCache(directory: dir, salt: "rules v1")
        let project = try Project.load(Self.repo.appendingPathComponent("examples/gpu-torch"), kb: kb)
        let requests = project.requests()

        guard case .resolved(let first) = try cache.resolve(requests, with: Resolver(kb: kb)) else { return XCTFail("no resolution") }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(files.count, 1)

        // Tamper with the stored answer: a cache hit must return what is stored, not re-solve.
        let file = dir.appendingPathComponent(files[0])
        var stored = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        stored["warnings"] = ["from the cache"]
        try JSONSerialization.data(withJSONObject: stored).write(to: file)
        guard case .resolved(let second) = try cache.resolve(requests, with: Resolver(kb: kb)) else { return XCTFail("no resolution") }
        XCTAssertEqual(second.warnings, ["from the cache"])
        XCTAssertEqual(second.choices, first.choices)

        // Another request, or other rules data, is another key.
        let more = requests + [Request(.driver(DottedVersion("535.104.05")!), source: .flag("--driver"), text: "--driver 535.104.05")]
        XCTAssertNotEqual(cache.key(more), cache.key(requests))
        XCTAssertNotEqual(ResolutionCache(directory: dir, salt: "rules v2").key(requests), cache.key(requests))
    }
}

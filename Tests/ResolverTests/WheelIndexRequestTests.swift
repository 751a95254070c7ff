import Foundation
@testable import Resolver
import Rules
import XCTest

/// The requests that requirements options and `-c` files make: a CUDA-variant wheel index fixes
/// torch's CUDA on a GPU build; a constraint bounds a package only when something brings it in.
final class WheelIndexRequestTests: XCTestCase {
    static let kb = Result { try KnowledgeBase.load(root: ResolverTests.repo) }

    private func resolve(_ requests: [Request]) throws -> Outcome { try Resolver(kb: try Self.kb.get()).resolve(requests) }
    private let req = Provenance(file: "requirements.txt", line: 1)
    private func gpu(_ on: Bool) -> Request { Request(.gpu(on), source: Provenance(file: "cog.yaml", line: 2), text: "gpu: \(on)") }
    private func python(_ v: String) -> Request {
        Request(.python(DottedVersion(v)!), source: Provenance(file: "cog.yaml", line: 3), text: "python_version: \"\(v)\"")
    }
    private func torch(_ spec: String) -> Request {
        Request(.package(name: "torch", spec: PEP440SpecifierSet(spec)!, local: nil), source: Provenance(file: "requirements.txt", line: 2), text: "torch\(spec)")
    }
    private func index(_ url: String) -> Request { Request(.wheelIndex(url), source: req, text: "--extra-index-url \(url)") }

    func testACUDAVariantIndexFixesTorchsCUDAAndIsNamedAsAReason() throws {
        guard case .resolved(let r) = try resolve([gpu(true), python("3.10"), torch("==2.0.1"), index("https://download.pytorch.org/whl/cu117/")]) else {
            return XCTFail("expected a resolution")
        }
        XCTAssertEqual(r.cuda?.text, "11.7", "without the index, 2.0.1 would take its newest variant, 11.8")
        XCTAssertTrue(r.choice(.cuda)!.reasons.contains { $0.source == "requirements.txt:1" })
    }

    func testALinksPageUnderAVariantIndexCountsAndAnUnknownIndexAsksNothing() throws {
        guard case .resolved(let r) = try resolve([gpu(true), python("3.10"), torch("==1.12.1"),
                                                   index("https://download.pytorch.org/whl/cu113/torch_stable.html"),
                                                   index("https://pypi.example.com/simple")]) else {
            return XCTFail("expected a resolution")
        }
        XCTAssertEqual(r.cuda?.text, "11.3")
    }

    /// pip searches every index: a pinned release the index lacks comes from the package index,
    /// which works, so it resolves, with a warning naming the index.
    func testAPinnedReleaseTheIndexLacksComesFromThePackageIndex() throws {
        guard case .resolved(let r) = try resolve([gpu(true), python("3.11"), torch("==2.3.1"), index("https://download.pytorch.org/whl/cu117")]) else {
            return XCTFail("pip would install the package index's torch 2.3.1")
        }
        XCTAssertEqual(r.package("torch")?.row?.onPyPI, true)
        XCTAssertTrue(r.warnings.contains { $0.contains("has no torch 2.3.1") }, "\(r.warnings)")
    }

    /// An unpinned torch with a variant index gets a release that index serves, in its variant.
    func testAnUnpinnedTorchFollowsTheIndex() throws {
        guard case .resolved(let r) = try resolve([gpu(true), python("3.11"), torch(""), index("https://download.pytorch.org/whl/cu117")]) else {
            return XCTFail("expected a resolution")
        }
        XCTAssertEqual(r.cuda?.text, "11.7")
    }

    func testACPUBuildIsNotHeldToACUDAIndex() throws {
        guard case .resolved(let r) = try resolve([gpu(false), python("3.11"), torch("==2.3.1"), index("https://download.pytorch.org/whl/cu118")]) else {
            return XCTFail("a CUDA wheel runs on a CPU build")
        }
        XCTAssertNil(r.cuda)
    }

    func testAConstraintBoundsOnlyWhatIsThere() throws {
        let constraint = Request(.constraint(name: "torch", spec: PEP440SpecifierSet("<2.2")!, local: nil), source: req, text: "-c: torch<2.2")
        guard case .resolved(let without) = try resolve([gpu(false), python("3.11"), constraint]) else { return XCTFail("expected a resolution") }
        XCTAssertNil(without.package("torch"), "a constraint brings nothing in")
        guard case .resolved(let with) = try resolve([gpu(false), python("3.11"), constraint, torch(">=2.0")]) else { return XCTFail("expected a resolution") }
        XCTAssertEqual(with.package("torch")?.version.release.prefix(2), [2, 1], "\(String(describing: with.package("torch")))")
    }

    func testIndexMatching() {
        XCTAssertTrue(Encoding.index("https://download.pytorch.org/whl/cu118", covers: "https://download.pytorch.org/whl/cu118/"))
        XCTAssertTrue(Encoding.index("https://download.pytorch.org/whl/cu118", covers: "HTTPS://download.pytorch.org/whl/cu118/simple"))
        XCTAssertFalse(Encoding.index("https://download.pytorch.org/whl/cu118", covers: "https://download.pytorch.org/whl/cu1180"))
        XCTAssertFalse(Encoding.index("https://download.pytorch.org/whl/cu118", covers: "https://download.pytorch.org/whl/torch_stable.html"))
    }
}

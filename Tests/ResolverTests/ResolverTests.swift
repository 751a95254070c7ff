import Foundation
@testable import Resolver
import Rules
import XCTest

/// The resolver on request lists built by hand, against the repository's rules data.
final class ResolverTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kb = Result { try KnowledgeBase.load(root: repo) }

    private func resolver() throws -> Resolver { Resolver(kb: try Self.kb.get()) }

    private func line(_ n: Int) -> Provenance { Provenance(file: "requirements.txt", line: n) }

    private func package(_ name: String, _ spec: String, line n: Int, local: String? = nil) -> Request {
        Request(.package(name: name, spec: PEP440SpecifierSet(spec)!, local: local), source: line(n), text: "\(name)\(spec)")
    }

    private func gpu(_ on: Bool) -> Request { Request(.gpu(on), source: Provenance(file: "cog.yaml", line: 2), text: "gpu: \(on)") }
    private func python(_ v: String) -> Request {
        Request(.python(DottedVersion(v)!), source: Provenance(file: "cog.yaml", line: 3), text: "python_version: \"\(v)\"")
    }

    func testCPUTorchGetsNoCUDA() throws {
        guard case .resolved(let r) = try resolver().resolve([gpu(false), python("3.11"), package("torch", "==2.3.1", line: 1)]) else {
            return XCTFail("expected a resolution")
        }
        XCTAssertEqual(r.package("torch")?.version, PEP440Version("2.3.1"))
        XCTAssertEqual(r.python, DottedVersion("3.11"))
        XCTAssertNil(r.cuda)
        XCTAssertNil(r.driverMin)
        // The CPU build installs the CPU variant.
        XCTAssertEqual(r.package("torch")?.row?.variant, "cpu")
        // The pin is named among the torch reasons.
        XCTAssertTrue(r.choice(.package("torch"))!.reasons.contains { $0.source == "requirements.txt:1" })
    }

    func testGPUTorchPicksACUDAItsWheelsExistFor() throws {
        let kb = try Self.kb.get()
        guard case .resolved(let r) = try resolver().resolve([gpu(true), python("3.11"), package("torch", "==2.3.1", line: 1)]) else {
            return XCTFail("expected a resolution")
        }
        let cuda = try XCTUnwrap(r.cuda)
        let variants = kb.matrix.rows(of: "torch").filter { $0.version == PEP440Version("2.3.1") }.compactMap(\.cuda)
        XCTAssertTrue(variants.contains(cuda), "cuda \(cuda) not among \(variants)")
        XCTAssertNotNil(r.driverMin)
        // The chosen row is the variant of that CUDA, with where its wheels come from.
        let row = try XCTUnwrap(r.package("torch")?.row)
        XCTAssertEqual(row.cuda, cuda)
        XCTAssertNotNil(row.index)
    }

    func testUnpinnedTorchOnGPUIsTheNewestThatFitsThePython() throws {
        let kb = try Self.kb.get()
        guard case .resolved(let r) = try resolver().resolve([gpu(true), python("3.10"), package("torch", "", line: 1)]) else {
            return XCTFail("expected a resolution")
        }
        let chosen = try XCTUnwrap(r.package("torch")?.version)
        let py310 = DottedVersion("3.10")!
        let newest = kb.matrix.rows(of: "torch").filter { $0.cuda != nil && $0.pythons?.contains(py310) == true }.map(\.version).max()!
        XCTAssertEqual(chosen, newest)
    }

    /// TensorFlow before 2.15 loads CUDA from the system: the toolkit the pin asks for must be its own.
    func testClashingPinsGiveACoreAndVerifiedCorrections() throws {
        let requests = [gpu(true), python("3.11"),
                        Request(.cuda(DottedVersion("12.4")!), source: Provenance(file: "cog.yaml", line: 4), text: "cuda: \"12.4\""),
                        package("tensorflow", "==2.14.0", line: 1)]
        guard case .conflict(let c) = try resolver().resolve(requests) else { return XCTFail("expected a conflict") }
        XCTAssertTrue(c.core.contains { $0.source == "cog.yaml:4" })
        XCTAssertTrue(c.core.contains { $0.source == "requirements.txt:1" })
        XCTAssertFalse(c.core.contains { $0.source == "cog.yaml:3" }, "python is not part of the clash: \(c.core)")
        XCTAssertFalse(c.corrections.isEmpty)
        for correction in c.corrections {
            XCTAssertFalse(correction.changes.isEmpty, CorrectionRenderer.text(correction))
        }
    }

    /// torch wheels bring their own CUDA runtime: a pinned toolkit they have no wheels for gets the
    /// nearest variant, with a warning that says why it runs.
    func testCudaPinBesideWheelsOfAnotherCUDAResolvesWithAWarning() throws {
        let requests = [gpu(true), python("3.11"),
                        Request(.cuda(DottedVersion("12.4")!), source: Provenance(file: "cog.yaml", line: 4), text: "cuda: \"12.4\""),
                        package("torch", "==2.1.0", line: 1)]
        guard case .resolved(let r) = try resolver().resolve(requests) else { return XCTFail("expected a resolution") }
        XCTAssertEqual(r.cuda, DottedVersion("12.1"))
        XCTAssertEqual(r.cudaToolkit, DottedVersion("12.4"))
        XCTAssertEqual(r.baseImage.cuda?.truncated(to: 2), DottedVersion("12.4"))
        XCTAssertEqual(r.package("torch")?.row?.variant, "cu121")
        XCTAssertEqual(r.driverMin, DottedVersion("550.54.14"))
        XCTAssertTrue(r.warnings.contains { $0.contains("bring their own CUDA 12.1 runtime") && $0.contains("cog.yaml:4") }, "\(r.warnings)")
    }

    func testWhyNotNamesTheBlockingRequest() throws {
        let text = try resolver().whyNot([gpu(true), python("3.11"), package("torch", "==2.3.1", line: 1)],
                                         variable: .cuda, value: "12.4")
        XCTAssertTrue(text.contains("requirements.txt:1"), text)
    }

    /// Requests on resolver variables are assumptions a conflict can name; a package the tables
    /// know nothing about (numpy) constrains nothing.
    func testEncodingTracksEveryRequestOnAVariable() throws {
        let kb = try Self.kb.get()
        let requests = [gpu(true), python("3.11"), package("torch", "==2.3.1", line: 1), package("numpy", "<2", line: 2)]
        let session = try Session(kb: kb, requests: requests)
        let tracked = session.enc.constraints.compactMap { c -> Int? in
            if case .request(let i) = c.origin { return i }
            return nil
        }
        XCTAssertEqual(Set(tracked), [0, 1, 2])
    }

    func testOptimizingTwiceGivesTheSameAnswer() throws {
        let kb = try Self.kb.get()
        let session = try Session(kb: kb, requests: [gpu(true), python("3.11"), package("torch", ">=2.2", line: 1)])
        let first = try XCTUnwrap(session.optimize(session.allLiterals)).map { "\($0.variable.name)=\($0.chosen)" }
        let second = try XCTUnwrap(session.optimize(session.allLiterals)).map { "\($0.variable.name)=\($0.chosen)" }
        XCTAssertEqual(first, second)
        XCTAssertFalse(session.allLiterals.isEmpty)
    }
}

import Foundation
@testable import Resolver
import Rules
import XCTest

/// The explanation an image carries in its label renders as the resolution itself does.
final class ResolutionExplanationTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kb = Result { try KnowledgeBase.load(root: repo) }

    private func resolve(_ requests: [Request]) throws -> Resolution {
        guard case .resolved(let r) = try Resolver(kb: try Self.kb.get()).resolve(requests) else {
            throw XCTSkip("expected a resolution")
        }
        return r
    }

    private func requests(gpu: Bool) -> [Request] {
        [Request(.gpu(gpu), source: Provenance(file: "cog.yaml", line: 2), text: "gpu: \(gpu)"),
         Request(.python(DottedVersion("3.11")!), source: Provenance(file: "cog.yaml", line: 3), text: "python_version: \"3.11\""),
         Request(.package(name: "torch", spec: PEP440SpecifierSet("==2.3.1")!, local: nil), source: Provenance(file: "requirements.txt", line: 1),
                 text: "torch==2.3.1"),
         Request(.package(name: "opencv-python", spec: PEP440SpecifierSet("")!, local: nil), source: Provenance(file: "requirements.txt", line: 2),
                 text: "opencv-python")]
    }

    private func roundTrip(_ e: ResolutionExplanation) throws -> ResolutionExplanation {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try JSONDecoder().decode(ResolutionExplanation.self, from: encoder.encode(e))
    }

    func testTheExplanationReadBackRendersAsTheResolution() throws {
        for gpu in [false, true] {
            let r = try resolve(requests(gpu: gpu))
            let back = try roundTrip(r.explanation)
            XCTAssertEqual(back, r.explanation)
            XCTAssertEqual(ExplanationText.resolution(back, warnings: ["w"], facts: ["f"]),
                           ExplanationText.resolution(r, warnings: ["w"], facts: ["f"]))
            XCTAssertEqual(ExplanationJSON.render(ExplanationJSON.resolutionObject(back, warnings: ["w"])),
                           ExplanationJSON.resolution(r, warnings: ["w"]))
            // Every choice, in objective order, with its reasons.
            XCTAssertEqual(back.entries.map(\.variable), r.choices.map(\.variable))
            XCTAssertEqual(back.entries.map(\.reasons), r.choices.map(\.reasons))
        }
    }

    func testDetailsKeepThePackageVariantAndTheImage() throws {
        let r = try resolve(requests(gpu: true))
        let e = try roundTrip(r.explanation)
        let torch = try XCTUnwrap(e.entries.first { $0.variable == .package("torch") })
        let row = try XCTUnwrap(r.package("torch")?.row)
        XCTAssertNotNil(torch.details?.variant, "a GPU build installs a CUDA variant")
        XCTAssertEqual(torch.details?.variant, row.variant)
        XCTAssertEqual(torch.details?.index, row.extraIndex)
        let base = try XCTUnwrap(e.entries.first { $0.variable == .baseImage })
        XCTAssertEqual(base.details?.os, r.baseImage.os)
        XCTAssertEqual(base.details?.sizeMB, r.baseImage.sizeMB)
        XCTAssertEqual(e.apt, r.apt)
        // The driver floor is printed as such.
        XCTAssertTrue(ExplanationText.resolution(e).contains("driver       >= "))
    }
}

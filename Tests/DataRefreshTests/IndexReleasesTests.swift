@testable import DataRefresh
import Foundation
import Rules
import XCTest

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class IndexReleasesTests: XCTestCase {
    private let known = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"].compactMap(DottedVersion.init)

    private func file(_ name: String, requiresPython: String? = nil, yanked: Bool = false) -> PackageIndex.File {
        PackageIndex.File(filename: name, url: URL(string: "https://files.example/\(name)")!, hasMetadata: false,
                          yanked: yanked, requiresPython: requiresPython)
    }

    func testPythonsComeFromLinuxWheelsOnly() {
        let rows = IndexReleases.releases(package: "torch", files: [
            file("torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl"),
            file("torch-2.3.1-cp312-cp312-manylinux1_x86_64.whl"),
            file("torch-2.3.1-cp310-none-macosx_11_0_arm64.whl"),        // another platform: not ours
            file("torch-2.3.1-cp313-cp313t-manylinux1_x86_64.whl"),      // free-threaded: left out
            file("torch-2.3.1+cu121-cp39-cp39-linux_x86_64.whl"),        // a local version: not the index's release
            file("torch-1.0.0-cp27-cp27mu-manylinux1_x86_64.whl"),       // Python 2 only: a release without Pythons
            file("torch-0.4.1.tar.gz"),                                  // an sdist: no wheel, no release here
        ], pythons: known)
        XCTAssertEqual(rows, [
            .init(package: "torch", version: "1.0.0", pythons: []),
            .init(package: "torch", version: "2.3.1", pythons: ["3.11", "3.12"]),
        ])
    }

    func testPureAndAbi3WheelsYankedAndPreReleases() {
        let rows = IndexReleases.releases(package: "cog", files: [
            file("cog-0.16.10a1-py3-none-any.whl", requiresPython: ">=3.8"),
            file("cog-0.9.0-py3-none-any.whl"),                                        // no bound: any Python
            file("cog-0.10.0-py3-none-any.whl", requiresPython: ">=3.10", yanked: true), // yanked: an exact pin installs it
            file("cog-0.11.0-cp310-abi3-manylinux_2_17_x86_64.whl"),                   // abi3: 3.10 and later
        ], pythons: known)
        XCTAssertEqual(rows, [
            .init(package: "cog", version: "0.9.0", pythons: nil),
            .init(package: "cog", version: "0.10.0", pythons: ["3.10", "3.11", "3.12", "3.13"]),
            .init(package: "cog", version: "0.11.0", pythons: ["3.10", "3.11", "3.12", "3.13"]),
            .init(package: "cog", version: "0.16.10a1", pythons: ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]),
        ])
    }

    /// Written, loaded with the real loader, and asked about releases that exist, never existed, or may be newer.
    func testStatusOfAVersionFromTheLoadedReleases() throws {
        var doc = MatrixDocument()
        doc.packageSources = [("torch", "test")]
        doc.packages = [.init(package: "torch", version: "2.3.1", variant: "cu121", cuda: "12.1", pypi: true, pythons: ["3.11"])]
        doc.index = "https://pypi.org/simple/"
        doc.releases = ["1.13.0", "1.13.1", "2.0.0", "2.3.0", "2.3.1"].map { .init(package: "torch", version: $0, pythons: ["3.11"]) }
        let matrix = try CudaMatrixLoader.parse(try YAMLFile.parse(doc.render(), display: "test.json"), frameworks: try Framework.load(root: repoRoot))
        XCTAssertEqual(matrix.index?.url, "https://pypi.org/simple/")
        XCTAssertEqual(matrix.indexReleases(of: "torch").count, 5)
        func status(_ v: String) -> String {
            switch matrix.status(of: "torch", PEP440Version(v)!) {
            case .unrecorded: "unrecorded"
            case .released(let r): "released \(r.pythons!.map(\.text))"
            case .neverReleased(let near): "never \(near.map(\.description))"
            case .newerThanData: "newer"
            }
        }
        XCTAssertEqual(status("2.3.1"), #"released ["3.11"]"#)
        XCTAssertEqual(status("1.14.0"), #"never ["1.13.0", "1.13.1", "2.0.0", "2.3.0"]"#)   // no 1.14 series, later ones exist
        XCTAssertEqual(status("2.3.0.post1"), #"never ["2.3.0", "2.3.1"]"#)              // within a series, below its newest
        XCTAssertEqual(status("2.3.2"), "newer")                                        // a later patch may have come out
        XCTAssertEqual(status("2.9.0"), "newer")
        XCTAssertEqual(status("0.4.1"), #"never ["1.13.0", "1.13.1"]"#)
        if case .unrecorded = matrix.status(of: "jax", PEP440Version("0.4.30")!) {} else { XCTFail("jax has no recorded releases here") }
    }
}

@testable import DataRefresh
import Foundation
import Rules
import XCTest

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class MatrixDocumentTests: XCTestCase {
    /// Each kind of row is written as the rows of data/cuda-matrix.json are.
    func testRowsAreWrittenInTheFileLayout() {
        let rows: [MatrixDocument.Row] = [
            .init(package: "torch", version: "2.3.1", variant: "cpu", cuda: nil, pypi: false, pythons: ["3.8", "3.12"]),
            .init(package: "torch", version: "2.3.1", variant: "cu121", cuda: "12.1", pypi: true, pythons: ["3.8", "3.12"]),
            .init(package: "torchvision", version: "0.18.1", requires: [("torch", "==2.3.1")], pythons: ["3.8", "3.12"]),
            .init(package: "tensorflow", version: "2.15.0", cuda: "12.2", cudnn: "8.9", pythons: ["3.9", "3.11"]),
            .init(package: "xformers", version: "0.0.31", requires: [("torch", "==2.7.1")]),
        ]
        XCTAssertEqual(rows.map(MatrixDocument.render), [
            #"{"package": "torch", "version": "2.3.1", "variant": "cpu", "cuda": null, "pypi": false, "pythons": ["3.8", "3.12"]}"#,
            #"{"package": "torch", "version": "2.3.1", "variant": "cu121", "cuda": "12.1", "pypi": true, "pythons": ["3.8", "3.12"]}"#,
            #"{"package": "torchvision", "version": "0.18.1", "requires": {"torch": "==2.3.1"}, "pythons": ["3.8", "3.12"]}"#,
            #"{"package": "tensorflow", "version": "2.15.0", "cuda": "12.2", "cudnn": "8.9", "pythons": ["3.9", "3.11"]}"#,
            #"{"package": "xformers", "version": "0.0.31", "requires": {"torch": "==2.7.1"}}"#,
        ])
    }

    /// Every row line of the committed file is one the encoder writes: parse each back into a row
    /// and render it again.
    func testCommittedFileIsWhatTheEncoderWrites() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("data/cuda-matrix.json"), encoding: .utf8)
        let parts = text.components(separatedBy: "\n  \"index_releases\": [\n")
        XCTAssertEqual(parts.count, 2, "one index_releases section")
        let rowLines = { (part: String) in part.split(separator: "\n").map(String.init).filter { $0.hasPrefix("    {\"package\"") } }
        let lines = rowLines(parts[0])
        XCTAssertGreaterThan(lines.count, 100)
        let releases = rowLines(parts.last!)
        XCTAssertGreaterThan(releases.count, 300)
        for line in releases {
            let json = line.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ","))
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let release = MatrixDocument.Release(package: object["package"] as! String, version: object["version"] as! String,
                                                 pythons: object["pythons"] as? [String])
            XCTAssertEqual(MatrixDocument.render(release), json)
        }
        for line in lines {
            let json = line.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ","))
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let requires = (object["requires"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            let row = MatrixDocument.Row(package: object["package"] as! String, version: object["version"] as! String,
                                         variant: object["variant"] as? String, cuda: object["cuda"] as? String,
                                         minorCompatible: object["minor_compatible"] as? Bool ?? false,
                                         cudnn: object["cudnn"] as? String, pypi: object["pypi"] as? Bool ?? false,
                                         requires: requires, pythons: object["pythons"] as? [String])
            XCTAssertEqual(MatrixDocument.render(row), json)
        }
    }

    /// A whole document loads with the real loader and frameworks, each row on its own line.
    func testRenderedDocumentLoadsWithTheFrameworks() throws {
        var doc = MatrixDocument()
        doc.packageSources = [("torch", "test"), ("jax", "test")]
        doc.packages = [
            .init(package: "torch", version: "2.3.1", variant: "cu121", cuda: "12.1", pypi: false, pythons: ["3.11"]),
            .init(package: "torchvision", version: "0.18.1", requires: [("torch", "==2.3.1")], pythons: ["3.11"]),
            .init(package: "torchaudio", version: "2.3.1", requires: [("torch", "==2.3.1")], pythons: ["3.11"]),
            .init(package: "tensorflow", version: "2.15.0", cuda: "12.2", cudnn: "8.9", pythons: ["3.11"]),
            .init(package: "jax", version: "0.9.2", variant: "cuda13", cuda: "13.0", minorCompatible: true, cudnn: "9", pypi: true, pythons: ["3.12"]),
        ]
        doc.images = [.init(image: "nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04", cuda: "12.1.1", cudnn: "8", os: "ubuntu22.04", flavor: "devel")]
        doc.toolkitDrivers = [.init(cuda: "12.1", driver: "530.30.02", checked: true)]
        doc.compatDrivers = [.init(major: 12, driver: "525.60.13")]
        doc.capabilities = [.init(arch: "sm_90", gpus: "H100", requires: [("torch", ">=2.0.1")], cudaMin: "11.8", checked: false)]
        let frameworks = try Framework.load(root: repoRoot)
        let text = doc.render()
        try MatrixRefresh.check(text, display: "test.json", frameworks: frameworks)
        let matrix = try CudaMatrixLoader.parse(try YAMLFile.parse(text, display: "test.json"), frameworks: frameworks)
        XCTAssertEqual(matrix.pythons.map(\.text), ["3.11", "3.12"])
        let torch = try XCTUnwrap(matrix.rows(of: "torch").first)
        XCTAssertEqual(torch.index, "https://download.pytorch.org/whl/cu121")
        let jax = try XCTUnwrap(matrix.rows(of: "jax").first)
        XCTAssertNil(jax.extraIndex)
        XCTAssertEqual(jax.cudnn, DottedVersion("9"))
        XCTAssertTrue(jax.minorCompatible)
        XCTAssertTrue(jax.fits(cuda: DottedVersion("13.2")))
        XCTAssertEqual(frameworks.first { $0.lead == "jax" }?.extra(for: jax), "cuda13")
        // One row a line: the rows' lines follow each other.
        let lines = matrix.packages.compactMap(\.source.line)
        XCTAssertEqual(lines, Array(lines[0]..<(lines[0] + lines.count)))
        XCTAssertEqual(matrix.computeCapabilities.first?.requires.description, "[torch>=2.0.1]")

        // A framework whose package has no rows is refused.
        doc.packages.removeLast()
        XCTAssertThrowsError(try MatrixRefresh.check(doc.render(), display: "test.json", frameworks: frameworks))
    }

    func testComputeCapabilityPackageComesFromTheTableHeader() throws {
        let facts = try GPUFacts(markdown: """
            | CUDA | driver >= | CUDA | driver >= |
            |---|---|---|---|
            | 12.1 | 530.30.02 | 13.0 | 580.65.06 (check) |

            any CUDA 11.x runs on a driver >= 450.80.02; any 12.x on >= 525.60.13

            | compute capability | GPUs | torch >= | CUDA >= |
            |---|---|---|---|
            | sm_120 | RTX 50xx | 2.7.0 | 12.8 |
            | sm_89 | L4 | 1.13 (check) | 11.8 |
            """)
        XCTAssertEqual(facts.capabilities.map(\.package), ["torch", "torch"])
        XCTAssertEqual(facts.capabilities.map(\.minimum), ["2.7.0", "1.13"])
        XCTAssertEqual(facts.capabilities.map(\.checked), [true, false])
        XCTAssertEqual(facts.toolkit.map(\.cuda.text), ["12.1", "13.0"])
        XCTAssertEqual(facts.compat.map(\.major), [11, 12])
    }

    func testDefaultTorchCUDAFromItsRuntimeRequirement() {
        XCTAssertEqual(VariantTableRows.defaultCUDA(metadata: "Requires-Dist: nvidia-cuda-runtime-cu12==12.1.105; platform_system == \"Linux\""),
                       DottedVersion("12.1"))
        XCTAssertEqual(VariantTableRows.defaultCUDA(metadata: "Requires-Dist: cuda-toolkit[cublas,cudart,cufft]==13.0.2; platform_system == \"Linux\""),
                       DottedVersion("13.0"))
        XCTAssertNil(VariantTableRows.defaultCUDA(metadata: "Requires-Dist: cuda-bindings<14,>=13.0.3"))
        XCTAssertNil(VariantTableRows.defaultCUDA(metadata: "Requires-Dist: filelock"))
    }
}

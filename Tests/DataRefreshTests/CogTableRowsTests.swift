@testable import DataRefresh
import Foundation
import Rules
import XCTest

/// Canned PEP 691 pages and METADATA files: no network.
private struct CannedIndex: PackageSource {
    let pages: [String: [String]]
    let metadata: [String: String]

    func files(of project: String) async throws -> [PackageIndex.File] {
        let files = (pages[project] ?? []).map {
            #"{"filename": "\#($0)", "url": "https://files.test/\#($0)", "hashes": {}, "yanked": false}"#
        }
        let page = #"{"meta": {"api-version": "1.1"}, "name": "x", "files": [\#(files.joined(separator: ", "))]}"#
        return try PackageIndex.parseFiles(Data(page.utf8), page: URL(string: "https://index.test/simple/\(project)/")!)
    }

    func metadata(of file: PackageIndex.File) async throws -> String? { metadata[file.filename] }
}

private func wheels(_ project: String, _ version: String, _ tags: [String]) -> [String] {
    tags.map { "\(project)-\(version)-\($0)-\($0)-manylinux1_x86_64.whl" }
}

private func torchRow(_ torch: String, _ vision: String, cuda: String?, index: String = "x", links: String? = nil) -> CogTables.VariantRow {
    .init(release: torch, companions: ["torchvision": vision, "torchaudio": ""], findLinks: links, extraIndexURL: index, cuda: cuda)
}

final class CogTableRowsTests: XCTestCase {
    /// torch 2.0.0 from the current table (its plain row: the package index's build, CUDA 11.7,
    /// which its metadata also names); 1.8.0 only in the older table, whose plain row says the
    /// package index's build has CUDA 10.2 (its wheels name no CUDA runtime); the older table's
    /// 2.0.0 row is not read. 1.10.2 is on the index but in no table. TensorFlow: the table lists
    /// 2.15.0 and 2.16.1; the index also has 2.15.1, 2.16.2, a 2.16.0 pre-release and 2.17.0.
    func testOlderTorchTableAndTensorFlowPatchReleases() async throws {
        let current = [torchRow("2.0.0", "0.15.1", cuda: "11.7", index: ""), torchRow("2.0.0+cu118", "0.15.1+cu118", cuda: "11.8")]
        let older = [torchRow("2.0.0+cu999", "0.15.1", cuda: "99.9"), torchRow("1.8.0", "0.9.0", cuda: "10.2", index: ""),
                     torchRow("1.8.0+cu111", "0.9.0+cu111", cuda: "11.1", index: "", links: "https://download.pytorch.org/whl/torch_stable.html"),
                     torchRow("1.8.0+cpu", "0.9.0+cpu", cuda: nil, index: "", links: "https://download.pytorch.org/whl/torch_stable.html")]
        let merged = CogTables.merge(current: current, older: older)
        XCTAssertEqual(merged.map(\.release), ["2.0.0", "2.0.0+cu118", "1.8.0", "1.8.0+cu111", "1.8.0+cpu"])
        XCTAssertEqual(merged.map(\.isPackageIndexBuild), [true, false, true, false, false])

        let tf = [("2.15.0", "12.2"), ("2.16.1", "12.3")].map {
            CogTables.MinorRow(release: $0.0, cuda: $0.1, cudnn: "8.9")
        }
        let index = CannedIndex(
            pages: [
                "torch": wheels("torch", "1.8.0", ["cp27", "cp35", "cp36", "cp39"]) + wheels("torch", "2.0.0", ["cp310"])
                    + wheels("torch", "1.10.2", ["cp39"]),
                "torchvision": wheels("torchvision", "0.9.0", ["cp36"]) + wheels("torchvision", "0.15.1", ["cp310"]),
                "torchaudio": [],
                "tensorflow": ["2.15.0", "2.15.1", "2.16.0rc0", "2.16.1", "2.16.2", "2.17.0"].flatMap { wheels("tensorflow", $0, ["cp311"]) },
            ],
            metadata: ["torch-2.0.0-cp310-cp310-manylinux1_x86_64.whl": "Requires-Dist: nvidia-cuda-runtime-cu11 (==11.7.99)\n"])
        let logs = LogLines()
        let rows = try await VariantTableRows(rows: merged, lead: "torch", companions: ["torchvision", "torchaudio"], index: index,
                                              log: { logs.add($0) }).rows()
            + MinorTableRows(rows: tf, package: "tensorflow", index: index, log: { logs.add($0) }).rows()

        let torch = rows.filter { $0.package == "torch" }.map { "\($0.version) \($0.variant!) \($0.pypi ? "pypi" : "-")" }
        XCTAssertEqual(torch, ["1.8.0 cpu -", "1.8.0 cu102 pypi", "1.8.0 cu111 -", "2.0.0 cu117 pypi", "2.0.0 cu118 -"])
        XCTAssertEqual(rows.first { $0.package == "torch" }?.pythons, ["3.6", "3.9"], "Python 2.7 and 3.5 are left out")
        XCTAssertEqual(rows.filter { $0.package == "torchvision" }.map(\.version), ["0.9.0", "0.15.1"])
        XCTAssertTrue(logs.all.contains { $0.contains("in no Cog table") && $0.contains("1.10.2") })

        let tensorflow = rows.filter { $0.package == "tensorflow" }.map { "\($0.version) \($0.cuda!)" }
        XCTAssertEqual(tensorflow, ["2.15.0 12.2", "2.15.1 12.2", "2.16.1 12.3", "2.16.2 12.3"])
    }
}

/// The tables are read by the columns `rules/sources.yaml` names, with the shipped sources file.
final class CogTableColumnsTests: XCTestCase {
    private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testRowsByTheColumnsTheSourcesFileNames() throws {
        let sources = try RefreshSource.load(root: repoRoot)
        guard case .variantTable(let table, _, let lead, let companions)? = sources.first?.reader else {
            return XCTFail("the first source is a variant table")
        }
        let json = #"[{"\#(lead.column)": "2.3.1+cu121", "\#(companions[0].column)": "0.18.1+cu121", "ExtraIndexURL": "https://x/cu121", "CUDA": "12.1"}]"#
        let rows = try CogTables.variantRows(Data(json.utf8), table: table, lead: lead, companions: companions)
        XCTAssertEqual(rows, [.init(release: "2.3.1+cu121", companions: [companions[0].package: "0.18.1+cu121", companions[1].package: ""],
                                    findLinks: nil, extraIndexURL: "https://x/cu121", cuda: "12.1")])
        XCTAssertThrowsError(try CogTables.variantRows(Data(#"[{"CUDA": "12.1"}]"#.utf8), table: table, lead: lead, companions: companions))
        guard case .minorTable(let tfTable, let tfLead)? = sources.dropFirst().first?.reader else {
            return XCTFail("the second source is a minor table")
        }
        let minor = try CogTables.minorRows(Data(#"[{"\#(tfLead.column)": "2.16.1", "CUDA": "12.3", "CuDNN": "8.9"}]"#.utf8), table: tfTable, lead: tfLead)
        XCTAssertEqual(minor, [.init(release: "2.16.1", cuda: "12.3", cudnn: "8.9")])
    }

    /// A source with an unknown reader or without what its reader needs is refused with its line.
    func testABadSourceNamesItsLine() throws {
        let bad = "sources:\n  - id: a\n    reader: cog-table\n"
        XCTAssertThrowsError(try RefreshSource.parse(try YAMLFile.parse(bad, display: "rules/sources.yaml"))) { error in
            XCTAssertTrue("\(error)".contains("rules/sources.yaml:3"), "\(error)")
        }
        let missing = "sources:\n  - id: a\n    reader: index-pins\n    package: x\n"
        XCTAssertThrowsError(try RefreshSource.parse(try YAMLFile.parse(missing, display: "rules/sources.yaml"))) { error in
            XCTAssertTrue("\(error)".contains("pins"), "\(error)")
        }
    }
}

private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

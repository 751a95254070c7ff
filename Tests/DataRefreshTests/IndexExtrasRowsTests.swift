@testable import DataRefresh
import Foundation
import Rules
import XCTest

/// A package index of canned PEP 691 pages and METADATA files: no network.
private struct CannedIndex: PackageSource {
    /// Project → its PEP 691 JSON page.
    let pages: [String: String]
    /// Wheel file name → its METADATA; a wheel missing here has none to be had.
    let metadata: [String: String]

    func files(of project: String) async throws -> [PackageIndex.File] {
        guard let page = pages[project] else { throw PackageIndex.Failure(description: "\(project): HTTP 404") }
        return try PackageIndex.parseFiles(Data(page.utf8), page: URL(string: "https://index.test/simple/\(project)/")!)
    }

    func metadata(of file: PackageIndex.File) async throws -> String? { metadata[file.filename] }
}

/// A PEP 691 page listing these wheels (a `!` before a name: yanked).
private func page(_ wheels: [String]) -> String {
    let files = wheels.map { w -> String in
        let yanked = w.hasPrefix("!")
        let name = yanked ? String(w.dropFirst()) : w
        return #"{"filename": "\#(name)", "url": "https://files.test/\#(name)", "hashes": {}, "yanked": \#(yanked)}"#
    }
    return #"{"meta": {"api-version": "1.1"}, "name": "x", "files": [\#(files.joined(separator: ", "))]}"#
}

private func wheels(_ project: String, _ version: String, _ tags: [String]) -> [String] {
    tags.map { "\(project)-\(version)-\($0)-\($0)-manylinux2014_x86_64.whl" }
}

final class IndexExtrasRowsTests: XCTestCase {
    /// jax 0.4.17: GPU support only through `cuda12_pip`-style extras (jaxlib builds from Google's
    /// bucket), jaxlib through the `cpu` extra. 0.4.25: a `cuda12` extra that lists NVIDIA's
    /// libraries itself. 0.4.32: yanked. 0.9.2: `cuda12` and `cuda13` extras through the plugins,
    /// whose `with-cuda` extra has the NVIDIA floors; the cuda12 plugin lacks a cp314 wheel.
    /// 0.7.0: a `cuda13` extra whose plugin has no wheels. 0.9.1: the cuda12 plugin's metadata
    /// cannot be had, so its CUDA is the default.
    private func index() -> CannedIndex {
        let jaxVersions = ["0.4.17", "0.4.25", "0.4.32", "0.7.0", "0.9.1", "0.9.2", "0.4.14"]
        let jax = jaxVersions.map { v in v == "0.4.32" ? "!jax-\(v)-py3-none-any.whl" : "jax-\(v)-py3-none-any.whl" }
        var jaxlib = wheels("jaxlib", "0.4.17", ["cp39", "cp310", "cp311"])
            + wheels("jaxlib", "0.4.25", ["cp39", "cp310", "cp311", "cp312"])
            + wheels("jaxlib", "0.7.0", ["cp311", "cp312", "cp313"])
            + wheels("jaxlib", "0.9.1", ["cp311", "cp312", "cp313", "cp314"])
            + wheels("jaxlib", "0.9.2", ["cp311", "cp312", "cp313", "cp314", "cp313t"])
        jaxlib.append("jaxlib-0.9.2-cp314-cp314-macosx_11_0_arm64.whl")
        let plugin12 = wheels("jax_cuda12_plugin", "0.4.25", ["cp39", "cp310", "cp311", "cp312"])
            + wheels("jax_cuda12_plugin", "0.7.0", ["cp311", "cp312", "cp313"])
            + wheels("jax_cuda12_plugin", "0.9.1", ["cp311", "cp312", "cp313", "cp314"])
            + wheels("jax_cuda12_plugin", "0.9.2", ["cp311", "cp312", "cp313"])
        let plugin13 = wheels("jax_cuda13_plugin", "0.9.2", ["cp311", "cp312", "cp313", "cp314"])

        let old = """
            Name: jax
            Version: 0.4.17
            Requires-Python: >=3.9
            Provides-Extra: cpu
            Requires-Dist: jaxlib ==0.4.17 ; extra == 'cpu'
            Provides-Extra: cuda12_pip
            Requires-Dist: jaxlib ==0.4.17+cuda12.cudnn89 ; extra == 'cuda12_pip'
            Requires-Dist: nvidia-cuda-runtime-cu12 >=12.2.140 ; extra == 'cuda12_pip'
            """
        let v0425 = """
            Name: jax
            Version: 0.4.25
            Requires-Python: >=3.9
            Provides-Extra: cpu
            Requires-Dist: jaxlib ==0.4.25 ; extra == 'cpu'
            Provides-Extra: cuda12
            Requires-Dist: jaxlib ==0.4.25 ; extra == 'cuda12'
            Requires-Dist: jax-cuda12-plugin ==0.4.25 ; extra == 'cuda12'
            Requires-Dist: nvidia-cuda-runtime-cu12 >=12.3.101 ; extra == 'cuda12'
            Requires-Dist: nvidia-cudnn-cu12 >=8.9.7.29 ; extra == 'cuda12'
            Provides-Extra: cuda12_pip
            Requires-Dist: jaxlib ==0.4.25+cuda12.cudnn89 ; extra == 'cuda12_pip'
            """
        func modern(_ v: String, python: String) -> String {
            """
            Name: jax
            Version: \(v)
            Requires-Python: \(python)
            Requires-Dist: jaxlib<=\(v),>=\(v)
            Provides-Extra: cuda12
            Requires-Dist: jaxlib<=\(v),>=\(v); extra == "cuda12"
            Requires-Dist: jax-cuda12-plugin[with-cuda]<=\(v),>=\(v); extra == "cuda12"
            Provides-Extra: cuda13
            Requires-Dist: jaxlib<=\(v),>=\(v); extra == "cuda13"
            Requires-Dist: jax-cuda13-plugin[with-cuda]<=\(v),>=\(v); extra == "cuda13"
            Provides-Extra: cuda12-local
            Requires-Dist: jax-cuda12-plugin<=\(v),>=\(v); extra == "cuda12-local"
            """
        }
        let plugin12Meta = """
            Name: jax-cuda12-plugin
            Requires-Dist: jax-cuda12-pjrt==0.9.2
            Provides-Extra: with-cuda
            Requires-Dist: nvidia-cuda-runtime-cu12>=12.1.105; sys_platform == "linux" and extra == "with-cuda"
            Requires-Dist: nvidia-cudnn-cu12<10.0,>=9.8; sys_platform == "linux" and extra == "with-cuda"
            """
        let plugin13Meta = """
            Name: jax-cuda13-plugin
            Requires-Dist: jax-cuda13-pjrt==0.9.2
            Provides-Extra: with-cuda
            Requires-Dist: nvidia-cuda-runtime>=13.0.48; sys_platform == "linux" and extra == "with-cuda"
            Requires-Dist: nvidia-cudnn-cu13<10.0,>=9.12.0.46; sys_platform == "linux" and extra == "with-cuda"
            """
        return CannedIndex(
            pages: ["jax": page(jax), "jaxlib": page(jaxlib), "jax-cuda12-plugin": page(plugin12),
                    "jax-cuda13-plugin": page(plugin13)],
            metadata: [
                "jax-0.4.17-py3-none-any.whl": old,
                "jax-0.4.25-py3-none-any.whl": v0425,
                "jax-0.7.0-py3-none-any.whl": modern("0.7.0", python: ">=3.11"),
                "jax-0.9.1-py3-none-any.whl": modern("0.9.1", python: ">=3.11"),
                "jax-0.9.2-py3-none-any.whl": modern("0.9.2", python: ">=3.12"),
                "jax_cuda12_plugin-0.9.2-cp313-cp313-manylinux2014_x86_64.whl": plugin12Meta,
                "jax_cuda13_plugin-0.9.2-cp312-cp312-manylinux2014_x86_64.whl": plugin13Meta,
                "jax_cuda12_plugin-0.7.0-cp313-cp313-manylinux2014_x86_64.whl": plugin12Meta,
            ])
    }

    private func row(_ version: String, _ variant: String, cuda: String?, cudnn: String? = nil, _ pythons: [String]) -> MatrixDocument.Row {
        .init(package: "jax", version: version, variant: variant, cuda: cuda, minorCompatible: cuda != nil, cudnn: cudnn, pypi: true,
              pythons: pythons)
    }

    func testRowsFromCannedIndex() async throws {
        let rows = try await IndexExtrasRows(package: "jax", compiled: "jaxlib", first: PEP440Version("0.4.16")!, defaultCUDA: [12: "12.1", 13: "13.0"], index: index(), log: { _ in }).rows()
        XCTAssertEqual(rows, [
            // Below the floor (0.4.14) and yanked (0.4.32) releases have no rows; 0.4.17 has no cuda12 extra.
            row("0.4.17", "cpu", cuda: nil, ["3.9", "3.10", "3.11"]),
            row("0.4.25", "cpu", cuda: nil, ["3.9", "3.10", "3.11", "3.12"]),
            row("0.4.25", "cuda12", cuda: "12.3", cudnn: "8", ["3.9", "3.10", "3.11", "3.12"]),
            row("0.7.0", "cpu", cuda: nil, ["3.11", "3.12", "3.13"]),
            row("0.7.0", "cuda12", cuda: "12.1", cudnn: "9", ["3.11", "3.12", "3.13"]),
            // 0.7.0[cuda13]: its plugin has no wheels. 0.9.1: no plugin metadata, CUDA 12.1 assumed, no cuDNN.
            row("0.9.1", "cpu", cuda: nil, ["3.11", "3.12", "3.13", "3.14"]),
            row("0.9.1", "cuda12", cuda: "12.1", ["3.11", "3.12", "3.13", "3.14"]),
            // Requires-Python >=3.12 drops 3.11; the cuda12 plugin has no 3.14 wheel.
            row("0.9.2", "cpu", cuda: nil, ["3.12", "3.13", "3.14"]),
            row("0.9.2", "cuda12", cuda: "12.1", cudnn: "9", ["3.12", "3.13"]),
            row("0.9.2", "cuda13", cuda: "13.0", cudnn: "9", ["3.12", "3.13", "3.14"]),
        ])
    }

    func testRowsRenderAndLoadAsJAXRows() async throws {
        let rows = try await IndexExtrasRows(package: "jax", compiled: "jaxlib", first: PEP440Version("0.4.16")!, defaultCUDA: [12: "12.1", 13: "13.0"], index: index(), log: { _ in }).rows()
        XCTAssertEqual(MatrixDocument.render(rows[2]),
                       #"{"package": "jax", "version": "0.4.25", "variant": "cuda12", "cuda": "12.3", "minor_compatible": true, "cudnn": "8", "pypi": true, "pythons": ["3.9", "3.10", "3.11", "3.12"]}"#)
        XCTAssertEqual(MatrixDocument.render(rows[0]),
                       #"{"package": "jax", "version": "0.4.17", "variant": "cpu", "cuda": null, "pypi": true, "pythons": ["3.9", "3.10", "3.11"]}"#)
    }

    func testCUDAExtrasAndNVIDIAFloors() throws {
        XCTAssertEqual(IndexExtrasRows.cudaMajor("cuda12"), 12)
        XCTAssertEqual(IndexExtrasRows.cudaMajor("cuda13"), 13)
        XCTAssertNil(IndexExtrasRows.cudaMajor("cuda12-local"))
        XCTAssertNil(IndexExtrasRows.cudaMajor("cuda12-pip"))
        XCTAssertNil(IndexExtrasRows.cudaMajor("cuda"))
        let r12 = try XCTUnwrap(Requirement(name: "nvidia-cuda-runtime-cu12", rest: #">=12.1.105; extra == "with-cuda""#))
        XCTAssertEqual(r12.extra, "with-cuda")
        XCTAssertEqual(IndexExtrasRows.floor(of: r12, library: "nvidia-cuda-runtime", major: 12), DottedVersion("12.1.105"))
        XCTAssertNil(IndexExtrasRows.floor(of: r12, library: "nvidia-cuda-runtime", major: 13))
        let r13 = try XCTUnwrap(Requirement(name: "nvidia-cuda-runtime", rest: ">=13.0.48"))
        XCTAssertEqual(IndexExtrasRows.floor(of: r13, library: "nvidia-cuda-runtime", major: 13), DottedVersion("13.0.48"))
        let cupti = try XCTUnwrap(Requirement(name: "nvidia-cuda-cupti-cu12", rest: ">=12.1"))
        XCTAssertNil(IndexExtrasRows.floor(of: cupti, library: "nvidia-cuda-runtime", major: 12))
    }
}

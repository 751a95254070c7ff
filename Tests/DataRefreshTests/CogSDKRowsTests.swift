@testable import DataRefresh
import Foundation
import Rules
import XCTest

final class CogSDKRowsTests: XCTestCase {
    /// A file list as the package index serves it (PEP 691 JSON), trimmed to the fields read.
    static let page = """
    {
      "meta": {"api-version": "1.1"},
      "name": "cog",
      "files": [
        {"filename": "cog-0.8.6-py3-none-any.whl", "url": "https://files.example/cog-0.8.6-py3-none-any.whl", "requires-python": ">=3.7", "yanked": false},
        {"filename": "cog-0.9.0-py3-none-any.whl", "url": "https://files.example/cog-0.9.0-py3-none-any.whl", "requires-python": ">=3.7", "yanked": false},
        {"filename": "cog-0.9.0rc1-py3-none-any.whl", "url": "https://files.example/cog-0.9.0rc1-py3-none-any.whl", "requires-python": ">=3.7", "yanked": false},
        {"filename": "cog-0.9.19-py3-none-any.whl", "url": "https://files.example/cog-0.9.19-py3-none-any.whl", "requires-python": ">=3.7", "yanked": false},
        {"filename": "cog-0.9.19.tar.gz", "url": "https://files.example/cog-0.9.19.tar.gz", "requires-python": ">=3.6", "yanked": false},
        {"filename": "cog-0.12.0.tar.gz", "url": "https://files.example/cog-0.12.0.tar.gz", "requires-python": ">=3.8", "yanked": false},
        {"filename": "cog-0.16.8-py3-none-any.whl", "url": "https://files.example/cog-0.16.8-py3-none-any.whl", "requires-python": ">=3.8", "yanked": false},
        {"filename": "cog-0.16.10a1-py3-none-any.whl", "url": "https://files.example/cog-0.16.10a1-py3-none-any.whl", "requires-python": ">=3.8", "yanked": false},
        {"filename": "cog-0.16.11-py3-none-any.whl", "url": "https://files.example/cog-0.16.11-py3-none-any.whl", "requires-python": ">=3.8", "yanked": "broken server"},
        {"filename": "cog-0.16.12-py3-none-any.whl", "url": "https://files.example/cog-0.16.12-py3-none-any.whl", "requires-python": ">=3.8.1", "yanked": false},
        {"filename": "cog-0.17.0-py3-none-any.whl", "url": "https://files.example/cog-0.17.0-py3-none-any.whl", "requires-python": ">=3.10", "yanked": false},
        {"filename": "cog-0.17.1-py3-none-any.whl", "url": "https://files.example/cog-0.17.1-py3-none-any.whl", "requires-python": ">=3.10,<3.13", "yanked": false},
        {"filename": "cog-0.17.2-py3-none-any.whl", "url": "https://files.example/cog-0.17.2-py3-none-any.whl", "yanked": false},
        {"filename": "cog-0.18.0-py3-none-any.whl", "url": "https://files.example/cog-0.18.0-py3-none-any.whl", "requires-python": ">=3.99", "yanked": false},
        {"filename": "coglet-0.23.1-cp310-abi3-manylinux_2_17_x86_64.whl", "url": "https://files.example/coglet-0.23.1-cp310-abi3-manylinux_2_17_x86_64.whl", "requires-python": ">=3.10", "yanked": false}
      ]
    }
    """

    let pythons = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"].map { DottedVersion($0)! }

    func rows() throws -> [String: [String]] {
        let rows = try CogSDKRows.rows(page: Data(Self.page.utf8), pythons: pythons)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.version.description, $0.pythons.map(\.text)) })
    }

    func testFinalReleasesFromTheFirstListedOn() throws {
        let versions = try CogSDKRows.rows(page: Data(Self.page.utf8), pythons: pythons).map(\.version.description)
        // 0.8.6 predates the first release listed; 0.9.0rc1 and 0.16.10a1 are pre-releases;
        // 0.16.11 is yanked; 0.18.0 admits no Python the data file knows.
        XCTAssertEqual(versions, ["0.9.0", "0.9.19", "0.12.0", "0.16.8", "0.16.12", "0.17.0", "0.17.1", "0.17.2"])
    }

    func testPythonsComeFromRequiresPython() throws {
        let r = try rows()
        XCTAssertEqual(r["0.16.8"], ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"])
        XCTAssertEqual(r["0.17.0"], ["3.10", "3.11", "3.12", "3.13", "3.14"])
        XCTAssertEqual(r["0.17.1"], ["3.10", "3.11", "3.12"], "an upper bound is kept")
        XCTAssertEqual(r["0.16.12"], ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"], "a patch floor admits its minor")
        XCTAssertEqual(r["0.17.2"], pythons.map(\.text), "no requires-python: every Python")
    }

    func testAWheelsRequiresPythonWinsOverTheSdists() throws {
        XCTAssertEqual(try rows()["0.9.19"]?.first, "3.7")
        XCTAssertEqual(try rows()["0.12.0"]?.first, "3.8", "an sdist alone still gives the release")
    }

    func testLinesAreFormatTwoRows() throws {
        let lines = try CogSDKRows.lines(page: Data(Self.page.utf8), pythons: pythons)
        XCTAssertEqual(lines.first(where: { $0.contains("\"0.17.1\"") }),
                       #"{"package": "cog", "version": "0.17.1", "pythons": ["3.10", "3.11", "3.12"]}"#)
    }

    func testNotAFileList() {
        XCTAssertThrowsError(try CogSDKRows.rows(page: Data("<html></html>".utf8), pythons: pythons))
    }
}

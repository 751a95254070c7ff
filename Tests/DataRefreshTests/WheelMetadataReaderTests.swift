@testable import DataRefresh
import Foundation
import XCTest

final class WheelMetadataReaderTests: XCTestCase {
    /// A zip with `demo/__init__.py`, `demo-1.0.dist-info/METADATA` and `RECORD`, all deflated.
    static let zip = Data(base64Encoded: """
        UEsDBBQAAAAIAHpBel0iJ6eNDAAAACwBAAAQAAAAZGVtby9fX2luaXRfXy5weatQsFUw5KoYJYkgAVBLAwQUAAAACAB6QXpdekiao3cAAAAKBAAAGwAAAGRlbW8tMS4wLmRpc3QtaW5mby9NRVRBREFUQe3LMQ7CMAyF4T2n8AUa0XaL1AlGQIiB3aImtURiYbsDt6csnIEh29Ov753IcUbH7kZqLDXBEPtwxkIJZioSfr2Pu3Cl18pK1h3YPIGL3pdpGuK4ffZPNOMHkya4qGTFUrhmOGLNK2aCtPW3L1K/a2y++eb/yH8AUEsDBBQAAAAIAHpBel3Q8YpaFQAAABMAAAAZAAAAZGVtby0xLjAuZGlzdC1pbmZvL1JFQ09SREtJzc3Xj4/PzMssiY/XK6jU0eECAFBLAQIUAxQAAAAIAHpBel0iJ6eNDAAAACwBAAAQAAAAAAAAAAAAAACAAQAAAABkZW1vL19faW5pdF9fLnB5UEsBAhQDFAAAAAgAekF6XXpImqN3AAAACgQAABsAAAAAAAAAAAAAAIABOgAAAGRlbW8tMS4wLmRpc3QtaW5mby9NRVRBREFUQVBLAQIUAxQAAAAIAHpBel3Q8YpaFQAAABMAAAAZAAAAAAAAAAAAAACAAeoAAABkZW1vLTEuMC5kaXN0LWluZm8vUkVDT1JEUEsFBgAAAAADAAMAzgAAADYBAAAAAA==
        """, options: .ignoreUnknownCharacters)!

    func testReadsMETADATAOutOfAWheelWithRangeReads() async throws {
        let zip = Self.zip
        let reads = Counter()
        let reader = WheelMetadataReader { range in
            await reads.bump()
            switch range {
            case .suffix(let n): return (zip.suffix(min(n, zip.count)), zip.count)
            case .span(let a, let b): return (zip.subdata(in: a..<min(b, zip.count)), zip.count)
            }
        }
        let meta = try await XCTUnwrapAsync(try await reader.metadata())
        XCTAssertTrue(meta.hasPrefix("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: torch==2.3.1\n"))
        XCTAssertEqual(Requirement.all(meta).map(\.name), ["torch"])
        let count = await reads.value
        XCTAssertEqual(count, 2)
    }

    func testInflatesFixedDynamicAndStoredBlocks() throws {
        let fixed = try XCTUnwrap(Data(base64Encoded: "y0jNyclXyECQigA="))
        XCTAssertEqual(String(decoding: try WheelMetadataReader.inflate([UInt8](fixed), size: 18), as: UTF8.self), "hello hello hello!")
        let stored = try XCTUnwrap(Data(base64Encoded: "AQwA8/9zdG9yZWQgYnl0ZXM="))
        XCTAssertEqual(String(decoding: try WheelMetadataReader.inflate([UInt8](stored), size: 12), as: UTF8.self), "stored bytes")
        // 300 words drawn from twenty Greek letters, deflated by zlib at level 9 (a dynamic block).
        let dynamic = try XCTUnwrap(Data(base64Encoded: """
            bVQJjsMgDPwKX6PbqEEbEtQGqcrrF3tsGNqVEkKwPR5fbDHf7jEs5ZW2Yw97DbfljOERc47hlR5tvS9bO8k1nNGkz/UI8iXVd5IH+3P9hGgi1RUEwEGnI8pGXvcPsW6B4AR/YymK5wfMURCggNNL7IdI3gWh4BBaRtqpVAOWfUkjgA2ZOnL6eTax6Ps+u1vQvkYEAxsKkrnyhQWZO4YNGIp+862I21yqknpaOdXiyzTt09jVYcO8YYc1HYgXfwprMZEBTlqRGmbcyho5BRdnD/SLERxozh7p2bXi3asiOGITICJl5nbvxKftLysE4JYpgxcfWb/pCuaWC9VSMBCE8MsdJZEy7GpSJhffOAgYI0w8PTHe6qOAbEita74mfEjAVdv6n2kgylAcXuoYd7fUFJBJ1roAqXN2dm3bHiTMUKe6G2XvqcsvDUuu/eVP3hCLiKEVxfQvm18UElZYRcHcQshz3LvN+uTsk9gbGaszRs8RSp6mvT181fGV1ox5WHHiKHM94J7Hfa9uoYGOWwdKe+XpoC6fWn3uYB7f5YMGXQtftZivXcX8Aw==
            """, options: .ignoreUnknownCharacters))
        XCTAssertEqual(dynamic[0] >> 1 & 3, 2)
        let text = String(decoding: try WheelMetadataReader.inflate([UInt8](dynamic), size: 1580), as: UTF8.self)
        XCTAssertEqual(text.utf8.count, 1580)
        XCTAssertTrue(text.hasPrefix("lambda epsilon nu beta gamma sigma delta mu tau beta rho eta"))
        let letters = Set("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon".split(separator: " "))
        let words = text.split(separator: " ")
        XCTAssertEqual(words.count, 300)
        XCTAssertTrue(words.allSatisfy(letters.contains))
        XCTAssertThrowsError(try WheelMetadataReader.inflate([0x07], size: 10))
        // A size that disagrees with what the stream holds is an error, not a short METADATA.
        XCTAssertThrowsError(try WheelMetadataReader.inflate([UInt8](fixed), size: 17))
    }
}

private actor Counter {
    var value = 0
    func bump() { value += 1 }
}

private func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}

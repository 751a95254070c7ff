@testable import Builder
import Foundation
import XCTest

/// The prune calls as the Engine API 1.41 documents them: the query each sends and what is read
/// from the engine's answers (including the `null` lists the 20.10 engine sends when nothing went).
final class PruneRequestTests: XCTestCase {
    func testBuildCachePruneSendsAllKeepStorageAndUntil() {
        XCTAssertEqual(BuildCachePrune().path, "/build/prune?all=0")
        XCTAssertEqual(BuildCachePrune(all: true, keepStorage: 1_000_000_000, until: "24h").path,
                       "/build/prune?all=1&keep-storage=1000000000&filters=%7B%22until%22%3A%5B%2224h%22%5D%7D")
    }

    func testDanglingImagePruneFiltersByLabelAndAge() throws {
        let path = DanglingImagePrune(label: "dev.cogpack.base", until: "1h30m").path
        XCTAssertTrue(path.hasPrefix("/images/prune?filters="), path)
        let query = try XCTUnwrap(path.split(separator: "=", maxSplits: 1).last?.removingPercentEncoding)
        let filters = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(query.utf8)) as? [String: [String]])
        XCTAssertEqual(filters, ["dangling": ["true"], "label": ["dev.cogpack.base"], "until": ["1h30m"]])
    }

    func testTheAnswersAreCountedAndSummed() throws {
        let cache = try BuildCachePrune.parse(Data(#"{"CachesDeleted":["a1","b2","c3"],"SpaceReclaimed":1288490188}"#.utf8))
        XCTAssertEqual(cache, Pruned(removed: ["a1", "b2", "c3"], bytes: 1_288_490_188))
        // An image's names are untagged before it is deleted: only the deletions are images.
        let images = try DanglingImagePrune.parse(Data(#"""
        {"ImagesDeleted":[{"Untagged":"x:1"},{"Deleted":"sha256:aa"},{"Deleted":"sha256:bb"}],"SpaceReclaimed":4096}
        """#.utf8))
        XCTAssertEqual(images, Pruned(removed: ["sha256:aa", "sha256:bb"], bytes: 4096))
        XCTAssertEqual(try BuildCachePrune.parse(Data(#"{"CachesDeleted":null,"SpaceReclaimed":0}"#.utf8)), Pruned(removed: [], bytes: 0))
        XCTAssertEqual(try DanglingImagePrune.parse(Data(#"{"ImagesDeleted":null,"SpaceReclaimed":0}"#.utf8)), Pruned(removed: [], bytes: 0))
    }

    func testAnAnswerThatIsNotJSONIsAPruneErrorNamingTheCall() {
        XCTAssertThrowsError(try BuildCachePrune.parse(Data("<html>".utf8))) { error in
            XCTAssertEqual((error as? PruneError)?.call, "POST /build/prune")
        }
        XCTAssertThrowsError(try DanglingImagePrune.parse(Data("[]".utf8))) { error in
            XCTAssertEqual((error as? PruneError)?.call, "POST /images/prune")
        }
    }
}

@testable import cogpack
import Foundation
import XCTest

/// The name a build without `-t` gets, by the rules of Cog's `DockerImageName`.
final class DefaultImageNameTests: XCTestCase {
    func testFolderNamesBecomeCogNames() {
        let cases: [(String, String)] = [
            ("hello", "cog-hello"),
            ("My Model", "cog-my-model"),
            ("XP Hello_Model.v2", "cog-xp-hellomodelv2"),
            // A name that already starts with cog- gets no second prefix.
            ("cog-sdxl", "cog-sdxl"),
            ("Cog-SDXL", "cog-sdxl"),
            // 26 characters of the folder at most, so 30 in all.
            ("a-very-long-model-folder-name-indeed", "cog-a-very-long-model-folder-n"),
            // Cog would write cog- (not a name); these stay valid.
            ("___", "cog-model"),
            ("model-", "cog-model"),
            ("日本語 モデル", "cog-model"),
        ]
        for (folder, name) in cases {
            XCTAssertEqual(DefaultImageName.fromFolder(folder), name, folder)
        }
    }

    func testCogYAMLImageComesFirst() {
        let folder = URL(fileURLWithPath: "/models/hello")
        XCTAssertEqual(DefaultImageName.text(config: #"{"image":"r8.im/me/hello","build":{}}"#, folder: folder), "r8.im/me/hello")
        XCTAssertEqual(DefaultImageName.text(config: #"{"build":{}}"#, folder: folder), "cog-hello")
        XCTAssertEqual(DefaultImageName.text(config: nil, folder: folder), "cog-hello")
    }
}

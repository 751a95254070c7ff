import Foundation
import XCTest

/// A model folder made for one test: examples/hello's predictor, the given cog.yaml and files,
/// under the temporary folder, removed when the test ends.
enum ScratchModel {
    static let cogYAML = "build:\n  python_version: \"3.11\"\npredict: \"predict.py:Predictor\"\n"

    static func make(_ test: XCTestCase, prefix: String, cogYAML: String = cogYAML, files: [String: String] = [:]) throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        test.addTeardownBlock { try? fm.removeItem(at: dir) }
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try cogYAML.write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        try fm.copyItem(at: CLI.repo.appendingPathComponent("examples/hello/predict.py"), to: dir.appendingPathComponent("predict.py"))
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }
}

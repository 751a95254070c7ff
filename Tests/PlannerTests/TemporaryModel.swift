import Foundation
import Planner
import Rules
import XCTest

/// A model folder in the temporary directory, made file by file, removed when the test ends.
final class TemporaryModel {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kb = Result { try KnowledgeBase.load(root: repo) }

    let root: URL

    init(cogYAML: String = "build:\n  python_version: \"3.11\"\npredict: \"predict.py:Predictor\"\n") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try write("cog.yaml", cogYAML)
        try write("predict.py", Self.predictor)
    }

    /// The smallest predictor the schema reads: planning reads its signature.
    static let predictor = "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"\"\n"

    deinit { try? FileManager.default.removeItem(at: root) }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    func write(_ path: String, _ text: String) throws {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A file of `size` bytes without writing them (sparse): large enough to be weights.
    func sparse(_ path: String, size: Int64) throws {
        try write(path, "")
        let handle = try FileHandle(forWritingTo: url(path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url(path).path, withDestinationPath: target)
    }

    func plan() throws -> Plan {
        guard case .planned(let plan) = try Planner(kb: try Self.kb.get()).plan(root) else {
            throw XCTSkip("the model did not resolve")
        }
        return plan
    }

    /// The input error planning gives; fails the test when there is none.
    func inputError(file: StaticString = #filePath, line: UInt = #line) -> InputError? {
        do {
            _ = try Planner(kb: try Self.kb.get()).plan(root)
            XCTFail("planned without an error", file: file, line: line)
        } catch let e as InputError {
            return e
        } catch {
            XCTFail("not an InputError: \(error)", file: file, line: line)
        }
        return nil
    }
}

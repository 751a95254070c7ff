import Foundation
import XCTest

/// At least 200 generated malformed inputs through resolve, plan and build: none may crash
/// (a signal or an exit of 128 and above), hang (20 s, then killed), or print the sentinel
/// file outside the model folder; each ends with one of its allowed exit codes.
final class HostileCorpusTests: XCTestCase {
    func testNoInputCrashesHangsOrLeaksAHostFile() throws {
        let fixture = try HostileFixture()
        let corpus = try HostileCorpus(fixture: fixture)
        XCTAssertGreaterThanOrEqual(corpus.cases.count, 200)
        print("hostile corpus: \(corpus.cases.count) runs")
        let outcomes = Outcomes(count: corpus.cases.count)
        // Two at a time: the machine is shared, and each run is short.
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 2
        for (i, c) in corpus.cases.enumerated() {
            let env = fixture.environment.merging(c.env) { $1 }
            queue.addOperation {
                outcomes.set(i, Result { try BoundedRun.run(c.argv, environment: env, timeout: 20) })
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        for (c, result) in zip(corpus.cases, outcomes.all) {
            guard case .success(let outcome)? = result else {
                XCTFail("\(c.name): could not run: \(String(describing: result))")
                continue
            }
            if let broken = outcome.breakage {
                XCTFail("\(c.name): \(broken): \(outcome.output.prefix(400))")
                continue
            }
            let leaked = outcome.output.contains(fixture.token)
            if leaked {
                XCTFail("\(c.name): printed the content of a host file outside the model folder: \(outcome.output.prefix(400))")
                continue
            }
            if let code = outcome.exitCode, !c.exits.contains(code) {
                XCTFail("\(c.name): exit \(code), expected one of \(c.exits.sorted()): \(outcome.output.prefix(400))")
            }
            if let message = c.message, !outcome.output.contains(message) {
                XCTFail("\(c.name): expected '\(message)' in \(outcome.output.prefix(400))")
            }
        }
    }

    /// Results written by the runs, read once all are done.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Result<BoundedRun.Outcome, Error>?]
        init(count: Int) { items = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<BoundedRun.Outcome, Error>) { lock.withLock { items[i] = r } }
        var all: [Result<BoundedRun.Outcome, Error>?] { lock.withLock { items } }
    }
}

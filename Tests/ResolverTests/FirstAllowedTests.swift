import Foundation
@testable import Resolver
import Rules
import XCTest

/// The search that every choice goes through: the first value of an order that the constraints
/// allow. It skips checks when the last model already answers, so it is checked here against
/// the plain answer (each value tried in turn) over many random allowed sets and orders, with
/// and without a model at hand.
final class FirstAllowedTests: XCTestCase {
    func testItFindsTheFirstAllowedValueOfAnyOrder() throws {
        let kb = try ResolverTests.kb.get()
        let requests = [Request(.package(name: "torch", spec: PEP440SpecifierSet(">=1.0")!, local: nil),
                                source: Provenance(file: "requirements.txt", line: 1), text: "torch>=1.0")]
        var rng = SplitMix(seed: 7)
        do {
            let session = try Session(kb: kb, requests: requests)
            let v = try XCTUnwrap(session.enc.variable(.package("torch")))
            let n = v.values.count
            XCTAssertGreaterThan(n, 20)
            for round in 0..<60 {
                // Allowed: none, one, a few or many values, at random.
                let size = [0, 1, 3, n / 2][round % 4]
                let allowed = Set((0..<size).map { _ in Int(rng.next() % UInt64(n)) })
                var order = Array(0..<n)
                for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                let expected = order.first(where: allowed.contains)

                session.solver.push()
                session.solver.assert(session.z3.among(v.term, allowed.sorted()))
                // Half the rounds with the model of a satisfiable check at hand, half without.
                if round % 2 == 0 { _ = session.solver.check([]) }
                XCTAssertEqual(session.firstAllowed(v, in: order[...], under: []), expected,
                               "allowed \(allowed.sorted())")
                session.solver.pop()
            }
        }
    }
}

/// A small seeded generator, so that a failure can be replayed.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

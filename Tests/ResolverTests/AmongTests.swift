@testable import Resolver
import XCTest

/// `among` writes runs of indices as ranges: for every index of the variable's width, the term
/// must hold exactly when the index is in the set, whatever runs, gaps and ends the set has.
final class AmongTests: XCTestCase {
    func testItHoldsExactlyForTheIndicesGiven() {
        let z3 = Z3Context()
        let solver = Z3Solver(z3)
        var state: UInt64 = 11
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for domain in [1, 2, 3, 7, 8, 9, 40] {
            let v = z3.indexVar("v\(domain)", domain: domain)
            let slots = 1 << Z3Context.width(domain)
            var sets: [[Int]] = [[], Array(0..<slots), [0], [slots - 1]]
            for _ in 0..<6 { sets.append((0..<slots).filter { _ in next() % 3 != 0 }) }
            for set in sets {
                let term = z3.among(v, set.reversed())
                for i in 0..<slots {
                    let holds = solver.check([term, z3.eq(v, i)]) == .sat
                    XCTAssertEqual(holds, set.contains(i), "domain \(domain), index \(i), set \(set)")
                }
            }
        }
    }
}

import Foundation
import XCTest

/// A network namespace for one test, joined to this one by a veth pair: an address outside
/// 127.0.0.0/8, which engines do not treat as an insecure registry (they do every loopback
/// address), so that a registry there is reached with TLS. Removed when the test ends.
struct NetworkNamespace {
    let name: String
    /// This side's address, and the one inside the namespace.
    let outside: String
    let inside: String

    init(test: XCTestCase) throws {
        let id = UUID().uuidString.prefix(6).lowercased()
        name = "cp-ns-\(id)"
        let octet = Int.random(in: 10..<250)
        outside = "10.214.\(octet).1"
        inside = "10.214.\(octet).2"
        let (here, there) = ("cpv\(id)a", "cpv\(id)b")
        test.addTeardownBlock { [name] in
            // Deleting the namespace deletes its end of the pair, and so the pair.
            _ = try? CLI.shell("ip netns del \(name) 2>/dev/null; ip link del \(here) 2>/dev/null")
        }
        for command in [
            "ip netns add \(name)",
            "ip link add \(here) type veth peer name \(there)",
            "ip link set \(there) netns \(name)",
            "ip addr add \(outside)/24 dev \(here)",
            "ip link set \(here) up",
            "ip netns exec \(name) ip addr add \(inside)/24 dev \(there)",
            "ip netns exec \(name) ip link set \(there) up",
            "ip netns exec \(name) ip link set lo up",
        ] {
            let r = try CLI.shell(command)
            guard r.status == 0 else { throw SecondEngine.Failure(what: "\(command): \(r.stderr)") }
        }
    }

    /// `command` run inside the namespace.
    func run(_ command: String) -> String { "ip netns exec \(name) \(command)" }
}

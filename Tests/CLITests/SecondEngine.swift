import Foundation
import XCTest

/// A second Docker engine for one test: its own data and exec roots, pid file, unix socket and
/// bridge (build steps need a network; the bridge of the test machine's engine is its own). It
/// runs without iptables management, which would rewrite the chains of the other engine; the
/// test adds the forwarding and NAT rules for its bridge itself and removes them when it stops.
final class SecondEngine: @unchecked Sendable {
    let folder: URL
    let bridge: String
    let subnet: String
    private let process = Process()
    private var rules: [String] = []

    var host: String { "unix://\(folder.path)/docker.sock" }
    var log: String { String(((try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? "").suffix(2000)) }

    /// A TCP listener with TLS besides the unix socket, as `dockerd --tlsverify` makes it: only
    /// clients with a certificate its CA signed get in. The unix socket stays plain.
    struct TLSListener {
        let port: Int
        let ca: String
        let cert: String
        let key: String

        var address: String { "tcp://127.0.0.1:\(port)" }
    }

    init(test: XCTestCase, tls: TLSListener? = nil) throws {
        let id = UUID().uuidString.prefix(6).lowercased()
        // Short: the engine's sockets live under it, and a unix socket path has 108 bytes.
        folder = URL(fileURLWithPath: "/tmp/sc-\(id)")
        bridge = "sc-br\(id)"
        let octet = Int.random(in: 10..<250)
        subnet = "10.213.\(octet).0/24"
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { [self] in stop() }
        let setup = [
            "ip link add \(bridge) type bridge",
            "ip addr add 10.213.\(octet).1/24 dev \(bridge)",
            "ip link set \(bridge) up",
        ]
        for command in setup {
            let r = try CLI.shell(command)
            guard r.status == 0 else { throw Failure(what: "\(command): \(r.stderr)") }
        }
        for rule in ["FORWARD -i \(bridge) -j ACCEPT", "FORWARD -o \(bridge) -j ACCEPT",
                     "-t nat POSTROUTING -s \(subnet) ! -o \(bridge) -j MASQUERADE"] {
            let parts = rule.hasPrefix("-t nat ") ? ("-t nat", String(rule.dropFirst(7))) : ("", rule)
            let r = try CLI.shell("iptables \(parts.0) -I \(parts.1)")
            guard r.status == 0 else { throw Failure(what: "iptables \(rule): \(r.stderr)") }
            rules.append("iptables \(parts.0) -D \(parts.1)")
        }
        let f = folder.path
        // Its own (empty) settings: nothing of the machine's engine configuration applies.
        try "{}".write(to: folder.appendingPathComponent("daemon.json"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let listener = tls.map {
            "-H '\($0.address)' --tlsverify --tlscacert '\($0.ca)' --tlscert '\($0.cert)' --tlskey '\($0.key)' "
        } ?? ""
        process.arguments = ["-c", "exec dockerd --data-root '\(f)/root' --exec-root '\(f)/exec' --pidfile '\(f)/dockerd.pid' "
            + "-H '\(host)' \(listener)--bridge '\(bridge)' --iptables=false --ip-masq=false --config-file '\(f)/daemon.json' >'\(f)/log' 2>&1"]
        try process.run()
        for _ in 0..<300 {
            if try CLI.shell("curl -fsS --max-time 2 --unix-socket '\(f)/docker.sock' http://docker/_ping").status == 0 { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failure(what: "the second engine did not start: \(log)")
    }

    /// Gives this engine the base image builds start from: the machine engine's, copied with
    /// `docker save` (read only), or, when that engine has none or does not answer, made here
    /// with `cogpack base`.
    func provideBase() throws {
        let docker = "/usr/bin/docker"
        let copied = try CLI.shell("\(docker) image inspect \(Engine.base) >/dev/null 2>&1 && \(docker) save \(Engine.base) | \(docker) -H \(host) load >/dev/null")
        if copied.status == 0 { return }
        let environment = ProcessInfo.processInfo.environment.merging(["DOCKER_HOST": host]) { _, new in new }
        let made = try CLI.run(["base"], environment: environment)
        guard made.status == 0 else { throw Failure(what: "cogpack base in the second engine: \(made.stderr)") }
    }

    struct Failure: Error, CustomStringConvertible {
        let what: String
        var description: String { what }
    }

    func stop() {
        let f = folder.path
        if process.isRunning {
            process.terminate()
            for _ in 0..<200 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        }
        // The engine stops its containerd; if it was killed, this one (found by its pid file) is ours.
        if let text = try? String(contentsOfFile: "\(f)/exec/containerd/containerd.pid", encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0 {
            kill(pid, SIGTERM)
        }
        // Network namespaces and overlay mounts left under its folders, deepest first.
        _ = try? CLI.shell("awk '{print $2}' /proc/mounts | grep '^\(f)/' | sort -r | xargs -r -n1 umount -l")
        for rule in rules { _ = try? CLI.shell(rule) }
        _ = try? CLI.shell("ip link del \(bridge) 2>/dev/null")
        try? FileManager.default.removeItem(at: folder)
    }
}

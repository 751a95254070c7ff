import Builder
import DataRefresh
import Foundation
import Planner
import Rules

/// Gathers the facts of this machine (BuildFacts): the engine's base images and whether a
/// registry answers, and which wheel indexes answer. `resolve` and `plan` use them by default
/// when an engine answers, so that they say what `build` will do.
enum MachineFacts {
    /// `--facts FILE`, or nothing with `--no-engine`, or the engine when it answers.
    static func forResolution(file: String?, noEngine: Bool, requireEngine: Bool, kb: KnowledgeBase) async throws -> BuildFacts? {
        guard [file != nil, noEngine, requireEngine].filter({ $0 }).count <= 1 else {
            throw InputError(.flag("--facts"), "give one of --facts FILE, --no-engine and --engine")
        }
        if requireEngine { return try await fromEngine(try Flags.builder(nil), kb: kb) }
        if let file {
            let data = try InputFiles.read(file, flag: "--facts", what: "facts file", limit: 1 << 20)
            return try BuildFacts.decode(data, display: file)
        }
        if noEngine { return nil }
        // No engine: nothing is known of the machine; say so rather than guess.
        return try await fromEngine(try Flags.builder(nil), kb: kb, orNone: true)
    }

    /// The lines `resolve` ends with; without facts, what that means.
    static func summary(_ facts: BuildFacts?) -> [String] {
        facts?.summary ?? ["none (no engine answered, or --no-engine): any catalog image, every wheel index assumed to answer"]
    }

    /// The facts as a JSON value, or null.
    static func json(_ facts: BuildFacts?) throws -> Any {
        guard let facts else { return NSNull() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try JSONSerialization.jsonObject(with: encoder.encode(facts))
    }

    /// What a build on `address` can use. The engine must answer.
    static func fromEngine(_ address: BuilderAddress, kb: KnowledgeBase) async throws -> BuildFacts {
        try await fromEngine(address, kb: kb, orNone: false)!
    }

    /// The same; with `orNone`, nil (instead of an error) when no engine answers there.
    private static func fromEngine(_ address: BuilderAddress, kb: KnowledgeBase, orNone: Bool) async throws -> BuildFacts? {
        guard case .engine(let endpoint) = address else {
            if orNone { return nil }
            // A standalone buildkitd pulls what it needs: every catalog image.
            return BuildFacts(origin: "buildkitd \(address)", unreachableIndexHosts: await IndexProbe.unreachableHosts(of: kb))
        }
        let engine = EngineAPI(endpoint: endpoint)
        guard try await engine.ping() else {
            if orNone { return nil }
            throw InputError(.flag("engine"), "the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh` (or `dockerd &`), or set DOCKER_HOST")
        }
        let unreachable = await IndexProbe.unreachableHosts(of: kb)
        let local = try await LocalBaseImages(engine: engine)
        let bases = local.discover().map {
            BuildFacts.LocalBase(reference: $0.reference, os: $0.os, python: $0.python, sizeMB: $0.sizeMB, packages: $0.packages)
        }
        let references = kb.catalog.images.map(\.reference) + bases.map(\.reference).filter { b in !kb.catalog.images.contains { $0.reference == b } }
        let (usable, registry) = await local.available(among: references)
        return BuildFacts(origin: "engine \(endpoint)", localBases: bases, usableImages: usable, registry: registry,
                          unreachableIndexHosts: unreachable)
    }
}

/// Which wheel index hosts of the tables answer, asked once per host and remembered for ten
/// minutes (a resolve should not wait on the network each time).
enum IndexProbe {
    static let validity: TimeInterval = 600

    static func unreachableHosts(of kb: KnowledgeBase) async -> [String] {
        let hosts = Set(kb.matrix.packages.compactMap { $0.extraIndex.flatMap { URL(string: $0)?.host } }).sorted()
        var known = loadCache()
        let now = Date().timeIntervalSince1970
        let stale = hosts.filter { known[$0].map { now - $0.checked > validity } ?? true }
        // Within the ten minutes, nothing is asked and nothing written.
        guard !stale.isEmpty else { return hosts.filter { known[$0]?.reachable == false } }
        await withTaskGroup(of: (String, Bool).self) { group in
            for host in stale { group.addTask { (host, await answers(host)) } }
            for await (host, ok) in group { known[host] = .init(reachable: ok, checked: now) }
        }
        saveCache(known)
        return hosts.filter { known[$0]?.reachable == false }
    }

    /// Any HTTP answer counts: the host is there. No answer within three seconds does not.
    static func answers(_ host: String) async -> Bool {
        guard let url = URL(string: "https://\(host)/") else { return false }
        return await WebClient.answers(url, within: 3)
    }

    struct Entry: Codable { let reachable: Bool; let checked: TimeInterval }

    static var cacheFile: URL { DataRoot.cacheDirectory.appendingPathComponent("index-hosts.json") }

    static func loadCache() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: cacheFile.path) else { return [:] }
        return (try? JSONDecoder().decode([String: Entry].self, from: data)) ?? [:]
    }

    static func saveCache(_ entries: [String: Entry]) {
        guard let data = try? JSONEncoder().encode(entries) else { return }
        try? FileManager.default.createDirectory(at: cacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: cacheFile, options: .atomic)
    }
}

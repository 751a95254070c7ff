import Builder
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
        let address = try Flags.builder(nil)
        guard case .engine(let endpoint) = address, await EngineAPI(endpoint: endpoint).ping() else {
            // No engine: nothing is known of the machine; say so rather than guess.
            return nil
        }
        return try await fromEngine(address, kb: kb)
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
        let unreachable = await IndexProbe.unreachableHosts(of: kb)
        guard case .engine(let endpoint) = address else {
            // A standalone buildkitd pulls what it needs: every catalog image.
            return BuildFacts(origin: "buildkitd \(address)", unreachableIndexHosts: unreachable)
        }
        let engine = EngineAPI(endpoint: endpoint)
        guard await engine.ping() else {
            throw InputError(.flag("engine"), "the Docker engine at \(endpoint) does not answer; start it with `bash scripts/start-docker.sh` (or `dockerd &`), or set DOCKER_HOST")
        }
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
        await withTaskGroup(of: (String, Bool).self) { group in
            for host in hosts where (known[host].map { now - $0.checked > validity } ?? true) {
                group.addTask { (host, await answers(host)) }
            }
            for await (host, ok) in group { known[host] = .init(reachable: ok, checked: now) }
        }
        saveCache(known)
        return hosts.filter { known[$0]?.reachable == false }
    }

    /// Any HTTP answer counts: the host is there. No answer within three seconds does not.
    static func answers(_ host: String) async -> Bool {
        guard let url = URL(string: "https://\(host)/") else { return false }
        var request = URLRequest(url: url, timeoutInterval: 3)
        request.httpMethod = "HEAD"
        return (try? await URLSession.shared.data(for: request)).map { $0.1 is HTTPURLResponse } ?? false
    }

    struct Entry: Codable { let reachable: Bool; let checked: TimeInterval }

    static var cacheFile: URL {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("cogpack/index-hosts.json")
    }

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

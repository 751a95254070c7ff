import Foundation
import NIOHTTP1
import Rules

/// What the readers of the package index need from it: a project's files and a wheel's METADATA.
/// `PackageIndex` reads a real index; tests give canned pages.
protocol PackageSource: Sendable {
    func files(of project: String) async throws -> [PackageIndex.File]
    /// The METADATA of a wheel; nil when it cannot be had.
    func metadata(of file: PackageIndex.File) async throws -> String?
}

/// A client of the PEP 691 JSON simple index and PEP 658 metadata files.
struct PackageIndex: PackageSource {
    let baseURL: URL

    struct File: Sendable {
        let filename: String
        let url: URL
        let hasMetadata: Bool
        let yanked: Bool
        /// The file's `requires-python`, when the index gives one.
        var requiresPython: String? = nil
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func files(of project: String) async throws -> [File] {
        let url = baseURL.appendingPathComponent(project).appendingPathComponent("")
        return try Self.parseFiles(Data(try await fetch(url, headers: [("Accept", "application/vnd.pypi.simple.v1+json")])), page: url)
    }

    /// The files of a PEP 691 JSON project page.
    static func parseFiles(_ data: Data, page url: URL) throws -> [File] {
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = json["files"] as? [[String: Any]] else {
            throw Failure(description: "\(url): not a PEP 691 JSON response")
        }
        return files.compactMap { f in
            guard let name = f["filename"] as? String, let href = f["url"] as? String,
                  let fileURL = URL(string: href, relativeTo: url)?.absoluteURL else { return nil }
            let meta = f["core-metadata"] ?? f["data-dist-info-metadata"]
            let hasMetadata: Bool
            if let b = meta as? Bool { hasMetadata = b } else { hasMetadata = meta is [String: Any] }
            let yanked: Bool
            if let b = f["yanked"] as? Bool { yanked = b } else { yanked = f["yanked"] is String }
            let requires = (f["requires-python"] as? String).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            return File(filename: name, url: fileURL, hasMetadata: hasMetadata, yanked: yanked, requiresPython: requires)
        }
    }

    /// The wheel's METADATA file, served beside it (PEP 658). Some mirrors serve it without
    /// announcing it in the file list, and some not at all: then it is read out of the wheel
    /// itself, with range requests for the zip's directory and the one member. Nil when neither works.
    func metadata(of file: File) async throws -> String? {
        let url = URL(string: file.url.absoluteString + ".metadata")!
        if let data = try await fetch(url, allowMissing: true) {
            return String(decoding: data, as: UTF8.self)
        }
        guard file.filename.hasSuffix(".whl") else { return nil }
        let reader = WheelMetadataReader { range in try await self.fetchRange(file.url, range) }
        return try await reader.metadata()
    }

    /// Bytes of a file: `.suffix(n)` the last n, `.span(a, b)` a..<b. Returns the bytes and the file's size.
    private func fetchRange(_ url: URL, _ range: WheelMetadataReader.ByteRange) async throws -> (Data, Int) {
        let value: String
        switch range {
        case .suffix(let n): value = "bytes=-\(n)"
        case .span(let a, let b): value = "bytes=\(a)-\(b - 1)"
        }
        let response = try await send(url, headers: [("Range", value)], accept: [200, 206])
        let data = Data(response.body)
        // "bytes 100-199/12345"; a server that ignores Range sends the whole file (200).
        if response.status == 200 { return (data, data.count) }
        let header = response.header("Content-Range") ?? ""
        guard let total = header.split(separator: "/").last.flatMap({ Int($0) }) else {
            throw Failure(description: "\(url): no size in the Content-Range of a range response")
        }
        return (data, total)
    }

    private func fetch(_ url: URL, headers: [(String, String)] = []) async throws -> [UInt8] {
        try await send(url, headers: headers, accept: [200]).body
    }

    private func fetch(_ url: URL, allowMissing: Bool) async throws -> [UInt8]? {
        do {
            return try await send(url, headers: [], accept: [200], missing: allowMissing).body
        } catch is Missing {
            return nil
        }
    }

    private struct Missing: Error {}

    private func send(_ url: URL, headers: [(String, String)], accept: Set<Int>, missing: Bool = false) async throws -> WebClient.Response {
        var lastError: Error?
        for attempt in 0..<3 {
            do {
                let response = try await WebClient.get(url, headers: headers)
                if missing, response.status == 404 { throw Missing() }
                guard accept.contains(response.status) else { throw Failure(description: "\(url): HTTP \(response.status)") }
                return response
            } catch let error as Missing {
                throw error
            } catch {
                lastError = error
                try await Task.sleep(nanoseconds: UInt64(500_000_000 * (attempt + 1)))
            }
        }
        throw lastError!
    }
}

/// `Requires-Dist` lines of a METADATA file, as (name, rest) pairs.
func requiresDist(_ metadata: String) -> [(name: String, spec: String)] {
    metadata.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("Requires-Dist:") else { return nil }
        let body = line.dropFirst("Requires-Dist:".count).trimmingCharacters(in: .whitespaces)
        let nameEnd = body.firstIndex(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
            ?? body.endIndex
        let name = body[..<nameEnd].lowercased().replacingOccurrences(of: "_", with: "-")
        return (name, String(body[nameEnd...]))
    }
}

/// One `Requires-Dist` line, read as far as the readers here need: `name[extras] spec ; marker`.
struct Requirement: Equatable {
    /// Normalized (PEP 503).
    let name: String
    let extras: [String]
    let versions: PEP440SpecifierSet
    /// The extra of ours it belongs to (`extra == "cuda12"` in the marker), normalized; nil: always.
    let extra: String?

    init?(name: String, rest: String) {
        self.name = PackageName.normalize(name)
        var body = Substring(rest)
        var marker = ""
        if let semi = body.firstIndex(of: ";") {
            marker = String(body[body.index(after: semi)...])
            body = body[..<semi]
        }
        var extras: [String] = []
        if let open = body.firstIndex(of: "["), let close = body.firstIndex(of: "]"), open < close {
            extras = body[body.index(after: open)..<close].split(separator: ",").map {
                PackageName.normalize($0.trimmingCharacters(in: .whitespaces))
            }
            body = body[body.index(after: close)...]
        }
        let spec = body.trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
        guard let versions = PEP440SpecifierSet(spec) else { return nil }
        self.extras = extras
        self.versions = versions
        // extra == "cuda12" / extra == 'cuda12'
        let pattern = try! NSRegularExpression(pattern: #"extra\s*==\s*["']([^"']+)["']"#)
        let ns = marker as NSString
        extra = pattern.firstMatch(in: marker, range: NSRange(location: 0, length: ns.length))
            .map { PackageName.normalize(ns.substring(with: $0.range(at: 1))) }
    }

    /// Every requirement of a METADATA file that could be read.
    static func all(_ metadata: String) -> [Requirement] {
        requiresDist(metadata).compactMap { Requirement(name: $0.name, rest: $0.spec) }
    }
}

func providesExtras(_ metadata: String) -> [String] {
    metadata.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("Provides-Extra:") else { return nil }
        return line.dropFirst("Provides-Extra:".count).trimmingCharacters(in: .whitespaces)
    }
}

/// The `Requires-Python` of a METADATA file, if it names one that can be read.
func requiresPython(_ metadata: String) -> PEP440SpecifierSet? {
    for line in metadata.split(separator: "\n") where line.hasPrefix("Requires-Python:") {
        return PEP440SpecifierSet(line.dropFirst("Requires-Python:".count).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

/// The oldest Python a row may name: Cog was first released in 2021, after CPython 3.5's end of
/// life, and never built for Python 2 (old torch releases have cp27 and cp35 wheels).
let oldestPython = DottedVersion(parts: [3, 6])

extension PackageSource {
    /// The CPython minors with a Linux x86_64 wheel of this release (free-threaded builds aside),
    /// from `oldestPython` on.
    func pythons(of files: [PackageIndex.File], version: PEP440Version) -> [DottedVersion] {
        var out = Set<DottedVersion>()
        for f in files where !f.yanked {
            guard let w = WheelFilename(f.filename), w.version == version, w.isLinuxX86_64, !w.freeThreaded else { continue }
            out.formUnion(w.cpythons.filter { $0 >= oldestPython })
        }
        return out.sorted()
    }

    /// The releases with a wheel, yanked releases and pre-releases left out.
    func releases(_ files: [PackageIndex.File]) -> [PEP440Version] {
        var out = Set<PEP440Version>()
        var yanked = Set<PEP440Version>()
        for f in files {
            guard let w = WheelFilename(f.filename), !w.version.isPrerelease else { continue }
            if f.yanked { yanked.insert(w.version) } else { out.insert(w.version) }
        }
        return out.subtracting(yanked).sorted()
    }

    /// The METADATA of one wheel of this release: Linux x86_64 ones first, newest CPython first,
    /// then pure-Python ones. Not every wheel has its metadata to be had, so they are tried in turn.
    func metadata(_ files: [PackageIndex.File], version: PEP440Version) async throws -> String? {
        let candidates = files.compactMap { f -> (PackageIndex.File, Int)? in
            guard !f.yanked, let w = WheelFilename(f.filename), w.version == version, !w.freeThreaded else { return nil }
            if w.isLinuxX86_64 { return (f, 1000 + (w.cpythons.max().map { $0.major * 100 + $0.minor } ?? 0)) }
            if w.platforms == ["any"] { return (f, 0) }
            return nil
        }.sorted { $0.1 > $1.1 }
        for (file, _) in candidates {
            if let meta = try await metadata(of: file) { return meta }
        }
        return nil
    }
}

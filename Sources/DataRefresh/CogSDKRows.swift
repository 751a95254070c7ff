import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Rules

/// The rows of the cog SDK's releases: one per final release on the package index, with the
/// Python minors its `Requires-Python` admits. The SDK is pure Python (one `py3-none-any` wheel a
/// release), so the file list's `requires-python` is all the resolver needs to know of it.
public enum CogSDKRows {
    public struct Row: Sendable, Equatable {
        public let version: PEP440Version
        public let pythons: [DottedVersion]

        /// The row as the data file writes it (format 2: one row a line, in the `packages` list).
        public var line: String {
            "{\"package\": \"cog\", \"version\": \"\(version)\", \"pythons\": [\(pythons.map { "\"\($0.text)\"" }.joined(separator: ", "))]}"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The SDK's name on the package index.
    public static let project = "cog"


    /// The first release listed: older ones predate the SDK's current API (BasePredictor, Input).
    public static let firstRelease = PEP440Version("0.9.0")!

    /// The rows, oldest release first, from a PEP 691 JSON file list (`/simple/cog/` asked with
    /// `Accept: application/vnd.pypi.simple.v1+json`). Pre-releases, development releases and
    /// yanked files are left out, and so is a release whose Pythons include none of `pythons`
    /// (the minors the data file knows).
    public static func rows(page: Data, pythons: [DottedVersion], from first: PEP440Version = firstRelease,
                            project: String = "cog") throws -> [Row] {
        guard let json = try JSONSerialization.jsonObject(with: page) as? [String: Any],
              let files = json["files"] as? [[String: Any]] else {
            throw Failure(description: "\(project): not a PEP 691 JSON file list")
        }
        // The requires-python of each release's files; a wheel's wins over an sdist's.
        var specs: [PEP440Version: (spec: String?, fromWheel: Bool)] = [:]
        for f in files {
            guard let name = f["filename"] as? String else { continue }
            if let b = f["yanked"] as? Bool, b { continue }
            if f["yanked"] is String { continue }
            guard let (version, isWheel) = release(of: name, project: project), !version.isPrerelease,
                  version.local.isEmpty, version >= first else { continue }
            let spec = (f["requires-python"] as? String).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            if let known = specs[version], known.fromWheel, !isWheel { continue }
            specs[version] = (spec, isWheel)
        }
        var out: [Row] = []
        for (version, entry) in specs.sorted(by: { $0.key < $1.key }) {
            let admitted: [DottedVersion]
            if let text = entry.spec {
                guard let set = PEP440SpecifierSet(text) else {
                    throw Failure(description: "\(project) \(version): requires-python '\(text)' is not a PEP 440 specifier set")
                }
                admitted = pythons.filter { admits(set, $0) }
            } else {
                admitted = pythons
            }
            guard !admitted.isEmpty else { continue }
            out.append(Row(version: version, pythons: admitted.sorted()))
        }
        return out
    }

    /// The rows' lines, for the `packages` list of data/cuda-matrix.json.
    public static func lines(page: Data, pythons: [DottedVersion], from first: PEP440Version = firstRelease) throws -> [String] {
        try rows(page: page, pythons: pythons, from: first).map(\.line)
    }

    /// Reads the file list of `project` from the index (`https://pypi.org/simple/` by default) and gives the rows.
    public static func fetch(indexURL: URL = URL(string: "https://pypi.org/simple/")!, project: String = project, pythons: [DottedVersion],
                             from first: PEP440Version = firstRelease) async throws -> [Row] {
        let url = indexURL.appendingPathComponent(project).appendingPathComponent("")
        var request = URLRequest(url: url)
        request.setValue("application/vnd.pypi.simple.v1+json", forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.data(for: request)
        let code = (response as? HTTPURLResponse)?.statusCode ?? -1
        guard code == 200 else { throw Failure(description: "\(url): HTTP \(code)") }
        return try rows(page: data, pythons: pythons, from: first, project: project)
    }

    /// What the data file's sources block says of these rows.
    public static func source(from first: PEP440Version) -> String {
        "the package index (PEP 691 file list): every final release from \(first) on, with the Pythons its requires-python admits"
    }

    /// A Python minor is admitted when some patch release of it is: `>=3.8.1` admits 3.8.
    static func admits(_ set: PEP440SpecifierSet, _ python: DottedVersion) -> Bool {
        let minor = python.truncated(to: 2)
        return [0, 1, 99].contains { patch in
            PEP440Version("\(minor.major).\(minor.minor).\(patch)").map(set.contains) ?? false
        }
    }

    /// The release a file of `project` is of, and whether the file is a wheel.
    static func release(of filename: String, project: String) -> (PEP440Version, Bool)? {
        if filename.hasSuffix(".whl") {
            guard let w = WheelFilename(filename), w.project.lowercased() == project else { return nil }
            return (w.version, true)
        }
        for ext in [".tar.gz", ".zip", ".tar.bz2"] where filename.hasSuffix(ext) {
            let stem = filename.dropLast(ext.count)
            let prefix = project + "-"
            guard stem.lowercased().hasPrefix(prefix), let v = PEP440Version(String(stem.dropFirst(prefix.count))) else { return nil }
            return (v, false)
        }
        return nil
    }
}

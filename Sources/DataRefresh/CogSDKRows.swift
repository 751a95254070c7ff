import Foundation
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
    /// `Accept: application/vnd.pypi.simple.v1+json`).
    public static func rows(page: Data, pythons: [DottedVersion], from first: PEP440Version = firstRelease,
                            project: String = "cog") throws -> [Row] {
        let files: [PackageIndex.File]
        do {
            files = try PackageIndex.parseFiles(page, page: URL(string: "https://pypi.org/simple/\(project)/")!)
        } catch {
            throw Failure(description: "\(project): not a PEP 691 JSON file list")
        }
        return try rows(files: files, pythons: pythons, from: first, project: project)
    }

    /// The rows, oldest release first, from a project's files on the index. Pre-releases,
    /// development releases and yanked files are left out, and so is a release whose Pythons
    /// include none of `pythons` (the minors the data file knows).
    static func rows(files: [PackageIndex.File], pythons: [DottedVersion], from first: PEP440Version = firstRelease,
                     project: String = "cog") throws -> [Row] {
        // The requires-python of each release's files; a wheel's wins over an sdist's.
        var specs: [PEP440Version: (spec: String?, fromWheel: Bool)] = [:]
        for f in files where !f.yanked {
            guard let (version, isWheel) = release(of: f.filename, project: project), !version.isPrerelease,
                  version.local.isEmpty, version >= first else { continue }
            if let known = specs[version], known.fromWheel, !isWheel { continue }
            specs[version] = (f.requiresPython, isWheel)
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

    /// The rows of `project` from the index's file list (read once per refresh, with the other
    /// readers', and retried like them).
    static func fetch(from index: some PackageSource, project: String = project, pythons: [DottedVersion],
                      from first: PEP440Version = firstRelease) async throws -> [Row] {
        try rows(files: try await index.files(of: project), pythons: pythons, from: first, project: project)
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

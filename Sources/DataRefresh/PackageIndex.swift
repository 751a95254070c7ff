import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of the PEP 691 JSON simple index and PEP 658 metadata files.
struct PackageIndex: Sendable {
    let baseURL: URL

    struct File: Sendable {
        let filename: String
        let url: URL
        let hasMetadata: Bool
        let yanked: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func files(of project: String) async throws -> [File] {
        let url = baseURL.appendingPathComponent(project).appendingPathComponent("")
        var request = URLRequest(url: url)
        request.setValue("application/vnd.pypi.simple.v1+json", forHTTPHeaderField: "Accept")
        let data = try await fetch(request)
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
            return File(filename: name, url: fileURL, hasMetadata: hasMetadata, yanked: yanked)
        }
    }

    /// The wheel's METADATA file, served beside it (PEP 658). Some mirrors serve it without
    /// announcing it in the file list, so it is asked for either way; nil when there is none.
    func metadata(of file: File) async throws -> String? {
        let url = URL(string: file.url.absoluteString + ".metadata")!
        guard let data = try await fetch(URLRequest(url: url), allowMissing: true) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private func fetch(_ request: URLRequest) async throws -> Data {
        try await fetch(request, allowMissing: false)!
    }

    private func fetch(_ request: URLRequest, allowMissing: Bool) async throws -> Data? {
        var lastError: Error?
        for attempt in 0..<3 {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let code = (response as? HTTPURLResponse)?.statusCode ?? -1
                if allowMissing, code == 404 { return nil }
                guard code == 200 else { throw Failure(description: "\(request.url!): HTTP \(code)") }
                return data
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

func providesExtras(_ metadata: String) -> [String] {
    metadata.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("Provides-Extra:") else { return nil }
        return line.dropFirst("Provides-Extra:".count).trimmingCharacters(in: .whitespaces)
    }
}

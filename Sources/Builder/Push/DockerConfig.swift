import Basics
import Foundation

/// The Docker CLI's configuration file, read for registry logins as the CLI reads it:
/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. A registry's login comes from
/// the credential helper `credHelpers` names for it, else from `credsStore`, else from its
/// `auths` entry (`auth`: base64 of "user:password", or `identitytoken`).
public struct DockerConfig: Sendable {
    /// Where the file is, or would be.
    public let path: String
    public let exists: Bool
    let auths: [String: Entry]
    let credsStore: String?
    let credHelpers: [String: String]

    struct Entry: Sendable {
        var username: String?
        var password: String?
        var identityToken: String?
    }

    /// A config is a few kilobytes; a larger file is not one.
    static let maxBytes = 4 << 20

    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty {
            return URL(fileURLWithPath: dir).appendingPathComponent("config.json").path
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".docker/config.json").path
    }

    /// Reads the config; a missing file is an empty config (no logins). A file that is there but
    /// cannot be used is bad input, named with its path.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DockerConfig {
        let path = path(environment: environment)
        let source = Provenance(file: path, line: nil)
        guard FileManager.default.fileExists(atPath: path) else {
            return DockerConfig(path: path, exists: false, auths: [:], credsStore: nil, credHelpers: [:])
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(source, "cannot read the Docker config: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        return try parse(data, path: path)
    }

    /// The config of the bytes of the file at `path` (which errors name).
    static func parse(_ data: Data, path: String) throws -> DockerConfig {
        let source = Provenance(file: path, line: nil)
        guard data.count <= maxBytes else { throw InputError(source, "the Docker config is over \(maxBytes) bytes; it is not one") }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return DockerConfig(path: path, exists: true, auths: [:], credsStore: nil, credHelpers: [:])
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InputError(source, "the Docker config is not a JSON object; fix it or log in again with `docker login`")
        }
        var auths: [String: Entry] = [:]
        if let raw = object["auths"] {
            guard let table = raw as? [String: Any] else { throw InputError(source, "\"auths\" is not an object of registry → login") }
            for (key, value) in table {
                guard let fields = value as? [String: Any] else { throw InputError(source, "auths[\"\(key)\"] is not an object") }
                auths[key] = try entry(fields, key: key, source: source)
            }
        }
        var store: String?
        if let raw = object["credsStore"] {
            guard let name = raw as? String else { throw InputError(source, "\"credsStore\" is not a helper name") }
            store = name.isEmpty ? nil : try helperName(name, field: "credsStore", source: source)
        }
        var helpers: [String: String] = [:]
        if let raw = object["credHelpers"] {
            guard let table = raw as? [String: Any] else { throw InputError(source, "\"credHelpers\" is not an object of registry → helper name") }
            for (key, value) in table {
                guard let name = value as? String else { throw InputError(source, "credHelpers[\"\(key)\"] is not a helper name") }
                helpers[key] = try helperName(name, field: "credHelpers[\"\(key)\"]", source: source)
            }
        }
        return DockerConfig(path: path, exists: true, auths: auths, credsStore: store, credHelpers: helpers)
    }

    private static func entry(_ fields: [String: Any], key: String, source: Provenance) throws -> Entry {
        var e = Entry()
        if let auth = fields["auth"] as? String, !auth.isEmpty {
            // Base64 of "user:password"; the password may hold ':' but the user may not.
            guard let decoded = Data(base64Encoded: auth, options: .ignoreUnknownCharacters).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":") else {
                throw InputError(source, "auths[\"\(key)\"].auth is not base64 of USER:PASSWORD; log in again with `docker login \(key)`")
            }
            e.username = String(decoded[..<colon])
            e.password = String(decoded[decoded.index(after: colon)...])
        } else {
            e.username = fields["username"] as? String
            e.password = fields["password"] as? String
        }
        if let token = fields["identitytoken"] as? String, !token.isEmpty { e.identityToken = token }
        return e
    }

    /// The helper's name becomes part of a program name (`docker-credential-NAME`): no paths.
    private static func helperName(_ name: String, field: String, source: Provenance) throws -> String {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
        guard allowed, !name.hasPrefix("-"), name.count <= 64 else {
            throw InputError(source, "\(field) \"\(name.prefix(64))\" is not a credential helper name (such as pass or secretservice)")
        }
        return name
    }

    // MARK: lookup

    static let hubHosts: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    static func isHub(host: String) -> Bool { hubHosts.contains(host.lowercased()) }

    /// The host of a config key: keys may be written as URLs (`https://host:5000/v1/`).
    static func host(ofKey key: String) -> String {
        var k = Substring(key.lowercased())
        for scheme in ["https://", "http://"] where k.hasPrefix(scheme) { k = k.dropFirst(scheme.count) }
        if let slash = k.firstIndex(of: "/") { k = k[..<slash] }
        return isHub(host: String(k)) ? "docker.io" : String(k)
    }

    /// The helper for a registry: its `credHelpers` entry, else `credsStore`.
    func helper(for serverAddress: String) -> (name: String, field: String)? {
        if let name = credHelpers[serverAddress] { return (name, "credHelpers") }
        let host = Self.host(ofKey: serverAddress)
        if let (_, name) = credHelpers.sorted(by: { $0.key < $1.key }).first(where: { Self.host(ofKey: $0.key) == host }) { return (name, "credHelpers") }
        return credsStore.map { ($0, "credsStore") }
    }

    func entry(for serverAddress: String) -> (key: String, entry: Entry)? {
        if let e = auths[serverAddress] { return (serverAddress, e) }
        let host = Self.host(ofKey: serverAddress)
        return auths.sorted(by: { $0.key < $1.key }).first { Self.host(ofKey: $0.key) == host }.map { ($0.key, $0.value) }
    }

    /// The login for `reference`'s registry. A helper that fails (other than having no login
    /// for it) is an error: pushing without the login would only fail later, less clearly.
    public func credentials(for reference: ImageReference,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RegistryCredentials {
        try credentials(serverAddress: RegistryCredentials.serverAddress(for: reference), environment: environment)
    }

    /// The login for a registry host as BuildKit names it when it asks the session (`host:port`,
    /// or `registry-1.docker.io` for Docker Hub, which configs key by the index address).
    public func credentials(host: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RegistryCredentials {
        try credentials(serverAddress: Self.isHub(host: host) ? RegistryCredentials.hubAddress : host, environment: environment)
    }

    private func credentials(serverAddress address: String, environment: [String: String]) throws -> RegistryCredentials {
        if let (name, field) = helper(for: address) {
            let helper = CredentialHelper(name: name)
            if let secret = try helper.get(address, environment: environment, configPath: path, field: field) {
                return RegistryCredentials(serverAddress: address, secret: secret,
                                           origin: "the login \(helper.program) gives for \(address) (\(field) of \(path))")
            }
        }
        if let (key, e) = entry(for: address) {
            if let token = e.identityToken {
                return RegistryCredentials(serverAddress: address, secret: .identityToken(token), origin: "the identity token of auths[\"\(key)\"] in \(path)")
            }
            if let user = e.username, let password = e.password, !user.isEmpty {
                return RegistryCredentials(serverAddress: address, secret: .password(username: user, password: password),
                                           origin: "the login of auths[\"\(key)\"] in \(path)")
            }
        }
        return RegistryCredentials(serverAddress: address, secret: nil, origin: "no login for \(address) in \(lookedIn(address))")
    }

    /// Where a login for `address` was looked for, in words.
    func lookedIn(_ address: String) -> String {
        guard exists else { return "\(path) (no such file)" }
        var places = ["the auths of \(path)"]
        if let (name, field) = helper(for: address) { places.insert("docker-credential-\(name) (its \(field))", at: 0) }
        return places.joined(separator: " or ")
    }
}

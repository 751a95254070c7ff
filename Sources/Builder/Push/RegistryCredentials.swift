import Foundation

/// The login the engine uses for one registry during a push, and where it was found (or where
/// it was looked for), so that a refused login can say which credentials were refused.
public struct RegistryCredentials: Sendable, Equatable {
    public enum Secret: Sendable, Equatable {
        case password(username: String, password: String)
        /// An OAuth refresh token (a credential helper's `<token>` user, or `identitytoken`).
        case identityToken(String)
    }

    /// The address the Docker config and credential helpers key the registry by: the host
    /// (with its port) as written in the image name, or Docker Hub's index address.
    public let serverAddress: String
    /// nil when nothing was found: the push goes without a login (enough for open registries).
    public let secret: Secret?
    /// Where the secret came from, or where it was looked for, in words.
    public let origin: String

    public init(serverAddress: String, secret: Secret?, origin: String) {
        self.serverAddress = serverAddress
        self.secret = secret
        self.origin = origin
    }

    /// Docker Hub's address in Docker configs and helpers (the v1 index URL, kept for history).
    public static let hubAddress = "https://index.docker.io/v1/"

    /// The address credentials are looked up under for an image name's registry.
    public static func serverAddress(for reference: ImageReference) -> String {
        guard let domain = reference.domain, !DockerConfig.isHub(host: domain) else { return hubAddress }
        return domain
    }

    /// The `X-Registry-Auth` header: base64url (with padding) of the engine's AuthConfig JSON.
    /// The engine of Docker 20.10 refuses a push without the header, so an empty login is `{}`.
    public var header: String {
        var object: [String: String] = [:]
        switch secret {
        case .password(let username, let password)?:
            object = ["username": username, "password": password, "serveraddress": serverAddress]
        case .identityToken(let token)?:
            object = ["identitytoken": token, "serveraddress": serverAddress]
        case nil:
            break
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }
}

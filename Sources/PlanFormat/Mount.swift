/// A mount for one exec operation. Nothing mounted ends up in the stage's layer.
public enum Mount: Sendable, Hashable, Codable {
    /// A cache kept by BuildKit between builds (package downloads).
    case cache(target: String, id: String, sharing: CacheSharing)
    /// Files of a named context or of another stage, read-only.
    case input(StageInput, target: String, path: String)
    /// A build secret (cog.yaml `run` mounts), served by the client.
    case secret(id: String, target: String)
    /// The CA bundle of a TLS-intercepting proxy, when the build is given one; the builder also
    /// points the installers' variables (SSL_CERT_FILE, PIP_CERT, …) at it.
    case caBundle(target: String)
    /// An empty scratch folder for the step (temporary files that must not reach the layer).
    case tmpfs(target: String)
    /// The folder of wheels the build is given (`--wheelhouse`), read-only, for a step that
    /// installs Python packages; the builder also points uv and pip at it (UV_FIND_LINKS,
    /// PIP_FIND_LINKS). Without a wheelhouse the mount is left out.
    case wheelhouse(target: String)

    public enum CacheSharing: String, Sendable, Hashable, Codable { case shared, locked, `private` }

    private enum Key: String, CodingKey { case type, target, id, sharing, from, path }

    public var target: String {
        switch self {
        case .cache(let t, _, _), .input(_, let t, _), .secret(_, let t), .caBundle(let t), .tmpfs(let t), .wheelhouse(let t): return t
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(target, forKey: .target)
        switch self {
        case .cache(_, let id, let sharing):
            try c.encode("cache", forKey: .type); try c.encode(id, forKey: .id); try c.encode(sharing, forKey: .sharing)
        case .input(let from, _, let path):
            try c.encode("input", forKey: .type); try c.encode(from, forKey: .from); try c.encode(path, forKey: .path)
        case .secret(let id, _):
            try c.encode("secret", forKey: .type); try c.encode(id, forKey: .id)
        case .caBundle: try c.encode("ca_bundle", forKey: .type)
        case .tmpfs: try c.encode("tmpfs", forKey: .type)
        case .wheelhouse: try c.encode("wheelhouse", forKey: .type)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let target = try c.decode(String.self, forKey: .target)
        switch try c.decode(String.self, forKey: .type) {
        case "cache": self = .cache(target: target, id: try c.decode(String.self, forKey: .id),
                                    sharing: try c.decode(CacheSharing.self, forKey: .sharing))
        case "input": self = .input(try c.decode(StageInput.self, forKey: .from), target: target,
                                    path: try c.decode(String.self, forKey: .path))
        case "secret": self = .secret(id: try c.decode(String.self, forKey: .id), target: target)
        case "ca_bundle": self = .caBundle(target: target)
        case "tmpfs": self = .tmpfs(target: target)
        case "wheelhouse": self = .wheelhouse(target: target)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown mount type '\(other)'")
        }
    }
}

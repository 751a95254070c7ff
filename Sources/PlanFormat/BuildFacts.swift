/// What the machine a build runs on has and can reach: the builder's base images, whether a
/// registry answers, which wheel indexes answer. Inputs of a resolution like the user's requests,
/// but facts of the machine: gathered from the engine (and a probe of the indexes) or read from a
/// file, recorded in the plan, so that the same model with the same facts resolves the same on
/// any machine.
public struct BuildFacts: Sendable, Hashable, Codable {
    /// A base image `cogpack base` made in the engine, as its labels describe it.
    public struct LocalBase: Sendable, Hashable, Codable {
        public var reference: String
        /// `debian12`.
        public var os: String
        /// The Python it ships as `python3` (`3.11`), if any.
        public var python: String?
        public var sizeMB: Int
        /// The Debian packages it was made from.
        public var packages: String

        enum CodingKeys: String, CodingKey { case reference, os, python, sizeMB = "size_mb", packages }

        public init(reference: String, os: String, python: String?, sizeMB: Int, packages: String) {
            self.reference = reference
            self.os = os
            self.python = python
            self.sizeMB = sizeMB
            self.packages = packages
        }
    }

    /// Where the facts come from (`engine unix:///var/run/docker.sock`, `file facts.json`).
    public var origin: String
    /// Base images made here, which the catalog does not list.
    public var localBases: [LocalBase]
    /// The images a build can start from (present in the engine or pullable); nil: any catalog image.
    public var usableImages: [String]?
    /// Whether a registry answers. Without one nothing can be downloaded, a Python included.
    public var registry: Bool
    /// Hosts of wheel indexes that did not answer (`download.pytorch.org`).
    public var unreachableIndexHosts: [String]

    enum CodingKeys: String, CodingKey {
        case origin, registry
        case localBases = "local_bases"
        case usableImages = "usable_images"
        case unreachableIndexHosts = "unreachable_index_hosts"
    }

    public init(origin: String, localBases: [LocalBase] = [], usableImages: [String]? = nil, registry: Bool = true,
                unreachableIndexHosts: [String] = []) {
        self.origin = origin
        self.localBases = localBases
        self.usableImages = usableImages
        self.registry = registry
        self.unreachableIndexHosts = unreachableIndexHosts
    }

    /// The first four images, for a line a person reads.
    public static func shortList(_ images: [String]) -> String {
        images.isEmpty ? "none" : images.prefix(4).joined(separator: ", ") + (images.count > 4 ? ", …" : "")
    }

    /// One line each, for `resolve` and `plan` to say what they assumed.
    public var summary: [String] {
        var lines = ["from \(origin)"]
        if let usable = usableImages {
            lines.append("base images: \(usable.count) usable (\(Self.shortList(usable)))")
        } else {
            lines.append("base images: any catalog image")
        }
        lines.append(registry ? "a registry answers" : "no registry answers: nothing can be pulled, no Python downloaded")
        if !unreachableIndexHosts.isEmpty {
            lines.append("wheel indexes that do not answer: \(unreachableIndexHosts.joined(separator: ", "))")
        }
        return lines
    }
}

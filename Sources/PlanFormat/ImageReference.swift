/// An image name in the grammar of the distribution `reference` package, which the engine,
/// BuildKit and registries all parse with:
///
///     reference      := name [ ":" tag ] [ "@" digest ]
///     name           := [ domain "/" ] path-component ( "/" path-component )*
///     domain         := host [ ":" port ]
///     host           := domain-component ( "." domain-component )* | "[" ipv6 "]"
///     domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
///     path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*
///     separator      := "." | "_" | "__" | "-"+
///     tag            := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
///     digest         := algorithm ":" hex   (sha256, sha384, sha512 with their exact lengths)
///
/// The name (domain and path) is at most 255 characters. As the engine does, the first
/// component is the domain when it holds a "." or ":", is `localhost`, or has an upper-case
/// letter; otherwise the name is on Docker Hub. It lives with the plan format because plans
/// name their base images; the builder adds the fully qualified spelling.
extension Plan {
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry, as written; nil for Docker Hub names written without one.
    public let domain: String?
    /// The repository path as written, without the domain.
    public let path: String
    public let tag: String?
    /// `algorithm:hex`.
    public let digest: String?

    public static let maxNameLength = 255
    public static let maxTagLength = 128

    /// Why a text is not a reference, in words that say what to write instead.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init(parsing text: String) throws {
        guard !text.isEmpty else { throw Invalid(reason: "an image name cannot be empty") }
        if let bad = text.unicodeScalars.first(where: { !Self.isPrintableASCII($0) }) {
            throw Invalid(reason: "an image name cannot contain \(Self.describe(bad))")
        }
        if text.utf8.count == 64, text.utf8.allSatisfy(Self.isLowerHex) {
            throw Invalid(reason: "a 64-character hexadecimal string is an image ID, not a name")
        }
        var name = Substring(text)
        var digestText: Substring?, tagText: Substring?
        if let at = name.firstIndex(of: "@") {
            digestText = name[name.index(after: at)...]
            name = name[..<at]
        }
        // A tag follows the last ":" that no "/" comes after; a ":" before a "/" is a port.
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            tagText = name[name.index(after: colon)...]
            name = name[..<colon]
        }
        guard !name.isEmpty else { throw Invalid(reason: "'\(text)' has no repository name before its tag or digest") }
        guard name.utf8.count <= Self.maxNameLength else {
            throw Invalid(reason: "the repository name is \(name.utf8.count) characters; at most \(Self.maxNameLength) are allowed")
        }
        var components = name.split(separator: "/", omittingEmptySubsequences: false)
        var domain: String?
        if components.count > 1, Self.looksLikeDomain(components[0]) {
            domain = try Self.domain(components[0])
            components.removeFirst()
        }
        for component in components { try Self.pathComponent(component) }
        let tag = try tagText.map(Self.tag)
        let digest = try digestText.map(Self.digest)
        self.domain = domain
        self.path = components.joined(separator: "/")
        self.tag = tag
        self.digest = digest
    }

    /// The reference as written.
    public var description: String {
        (domain.map { "\($0)/" } ?? "") + path + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }

    // MARK: grammar

    private static func looksLikeDomain(_ s: Substring) -> Bool {
        s.contains(".") || s.contains(":") || s == "localhost" || s.contains(where: \.isUppercase)
    }

    private static func domain(_ s: Substring) throws -> String {
        var host = s
        if s.hasPrefix("[") {
            // An IPv6 literal, then an optional port.
            guard let close = s.firstIndex(of: "]") else { throw Invalid(reason: "registry '\(s)' opens '[' without closing it") }
            let inner = s[s.index(after: s.startIndex)..<close]
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" }) else {
                throw Invalid(reason: "registry '\(s)' is not an IPv6 address in brackets such as [::1]:5000")
            }
            let after = s[s.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw Invalid(reason: "registry '\(s)' has text after ']' that is not a :PORT") }
                try port(after.dropFirst(), in: s)
            }
            return String(s)
        }
        if let colon = s.firstIndex(of: ":") {
            try port(s[s.index(after: colon)...], in: s)
            host = s[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            let ok = !label.isEmpty && label.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
                && label.first != "-" && label.last != "-"
            guard ok else {
                throw Invalid(reason: "registry '\(s)' is not a host name (letters, digits and inner '-', separated by '.') with an optional :PORT")
            }
        }
        return String(s)
    }

    private static func port(_ digits: Substring, in domain: Substring) throws {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw Invalid(reason: "registry '\(domain)' has a port that is not a number")
        }
    }

    private static func pathComponent(_ s: Substring) throws {
        guard !s.isEmpty else { throw Invalid(reason: "the repository name has an empty component ('//', or '/' at an end)") }
        if s != s.lowercased(), (try? pathComponent(Substring(s.lowercased()))) != nil {
            throw Invalid(reason: "the repository name must be lower-case: write '\(s.lowercased())'")
        }
        // Alphanumeric runs joined by ".", "_", "__" or a run of "-".
        var separator = ""
        var started = false
        for b in s.utf8 {
            if isLowerAlphanumeric(b) {
                guard separator.isEmpty || separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" }) else {
                    throw Invalid(reason: "'\(separator)' cannot join the parts of repository name component '\(s)'; use '.', '_', '__' or '-'")
                }
                separator = ""
                started = true
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") {
                guard started else {
                    throw Invalid(reason: "repository name component '\(s)' must start with a lower-case letter or a digit")
                }
                separator.append(Character(Unicode.Scalar(b)))
            } else {
                throw Invalid(reason: "repository name component '\(s)' holds '\(Character(Unicode.Scalar(b)))'; use lower-case letters, digits, '.', '_' and '-'")
            }
        }
        guard separator.isEmpty else {
            throw Invalid(reason: "repository name component '\(s)' must end with a lower-case letter or a digit")
        }
    }

    private static func tag(_ s: Substring) throws -> String {
        let word: (UInt8) -> Bool = { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
        guard let first = s.utf8.first, word(first) else {
            throw Invalid(reason: "tag '\(s)' must start with a letter, a digit or '_'")
        }
        guard s.utf8.count <= maxTagLength else {
            throw Invalid(reason: "the tag is \(s.utf8.count) characters; at most \(maxTagLength) are allowed")
        }
        guard s.utf8.allSatisfy({ word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw Invalid(reason: "tag '\(s)' may hold only letters, digits, '_', '.' and '-'")
        }
        return String(s)
    }

    /// The digest algorithms registries verify, with the length of their hex encoding.
    static let digestLengths = ["sha256": 64, "sha384": 96, "sha512": 128]

    private static func digest(_ s: Substring) throws -> String {
        guard let colon = s.firstIndex(of: ":") else {
            throw Invalid(reason: "digest '\(s)' must be ALGORITHM:HEX, such as sha256: and 64 hex digits")
        }
        let algorithm = String(s[..<colon]), hex = s[s.index(after: colon)...]
        guard let length = digestLengths[algorithm] else {
            throw Invalid(reason: "digest algorithm '\(algorithm)' is not one of sha256, sha384, sha512")
        }
        guard hex.utf8.count == length, hex.utf8.allSatisfy(isLowerHex) else {
            throw Invalid(reason: "a \(algorithm) digest is \(length) lower-case hex digits")
        }
        return String(s)
    }

    // MARK: characters

    private static func isPrintableASCII(_ u: Unicode.Scalar) -> Bool { u.value > 0x20 && u.value < 0x7F }
    private static func isLowerHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) }
    private static func isLowerAlphanumeric(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) }
    private static func isAlphanumeric(_ b: UInt8) -> Bool { isLowerAlphanumeric(b) || (b >= 0x41 && b <= 0x5A) }

    static func describe(_ u: Unicode.Scalar) -> String {
        switch u {
        case " ": "a space"
        case "\n": "a line feed"
        case "\r": "a carriage return"
        case "\t": "a tab"
        default: u.value < 0x20 || u.value == 0x7F ? "a control character (U+\(String(u.value, radix: 16, uppercase: true)))" : "'\(u)' (only ASCII letters, digits and . _ - / : @ are allowed)"
        }
    }
}
}

import Rules

/// An option of a requirements file that applies to the whole install (pip's global options),
/// typed, with the line it came from.
public struct PipOption: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `--index-url` / `-i`: replaces the package index (the last one wins, as in pip).
        case indexURL(String)
        /// `--extra-index-url`: another index, searched as well.
        case extraIndexURL(String)
        /// `-f` / `--find-links`: a page of links (a URL), or a folder of archives in the model
        /// (relative to the model folder).
        case findLinks(FindLinks)
        /// `--no-index`: only `--find-links` locations.
        case noIndex
        /// `--pre`: pre-releases may be chosen.
        case pre
        /// `--trusted-host`: a host served over plain HTTP or with a certificate not checked.
        case trustedHost(String)
        /// `--no-binary`: build these from source.
        case noBinary(BinarySelection)
        /// `--only-binary`: never build these from source.
        case onlyBinary(BinarySelection)
        /// `--prefer-binary`: an older wheel over a newer sdist.
        case preferBinary
        /// `--require-hashes`: every requirement must carry `--hash`.
        case requireHashes
    }

    public enum FindLinks: Sendable, Equatable {
        case url(String)
        /// A folder (or archive) of the model, relative to the model folder.
        case local(String)
    }

    /// pip's `:all:`, `:none:` or a comma-separated list of names.
    public enum BinarySelection: Sendable, Equatable {
        case all
        case none
        case packages([String])

        init?(_ text: String) {
            switch text {
            case ":all:": self = .all
            case ":none:": self = .none
            default:
                let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard !names.isEmpty, names.allSatisfy({ n in !n.isEmpty && n.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } })
                else { return nil }
                self = .packages(names.map(PackageName.normalize))
            }
        }

        /// As pip and uv write it.
        public var text: String {
            switch self {
            case .all: ":all:"
            case .none: ":none:"
            case .packages(let names): names.joined(separator: ",")
            }
        }
    }

    public let kind: Kind
    public let source: Provenance

    public init(_ kind: Kind, source: Provenance) {
        self.kind = kind
        self.source = source
    }

    /// The option as pip writes it on a line of its own (a local folder relative to the model folder).
    public var text: String {
        switch kind {
        case .indexURL(let u): "--index-url \(u)"
        case .extraIndexURL(let u): "--extra-index-url \(u)"
        case .findLinks(.url(let u)): "--find-links \(u)"
        case .findLinks(.local(let p)): "--find-links \(p)"
        case .noIndex: "--no-index"
        case .pre: "--pre"
        case .trustedHost(let h): "--trusted-host \(h)"
        case .noBinary(let s): "--no-binary \(s.text)"
        case .onlyBinary(let s): "--only-binary \(s.text)"
        case .preferBinary: "--prefer-binary"
        case .requireHashes: "--require-hashes"
        }
    }

    /// The URL of an index or links page this option names, if any.
    public var indexURL: String? {
        switch kind {
        case .indexURL(let u), .extraIndexURL(let u), .findLinks(.url(let u)): u
        default: nil
        }
    }
}

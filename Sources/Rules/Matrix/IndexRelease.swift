/// A release the package index had when the data was refreshed, and the Pythons its wheels run on.
/// The tables' rows say what a release needs; these say which releases exist at all, so that a
/// pin of a release that was never published is refused instead of failing at install.
public struct IndexRelease: Sendable {
    public let package: String
    public let version: PEP440Version
    /// CPython minors with a Linux x86_64 wheel (or that a pure wheel's `Requires-Python` admits);
    /// nil: a pure wheel that names no Python bound.
    public let pythons: [DottedVersion]?
    public let source: Provenance

    public init(package: String, version: PEP440Version, pythons: [DottedVersion]?, source: Provenance) {
        self.package = package
        self.version = version
        self.pythons = pythons
        self.source = source
    }

    /// What the recorded releases say about one version of a package.
    public enum Status: Sendable {
        /// The data records no releases of this package: nothing is known.
        case unrecorded
        case released(IndexRelease)
        /// Never published: the index had a later release of the same minor series (or, with no
        /// release of that series, a later series), and releases do not appear in the past.
        /// `near` are the recorded releases closest to it, for the message.
        case neverReleased(near: [PEP440Version])
        /// Newer than every recorded release of its series: it may have been published after the
        /// data was refreshed.
        case newerThanData

        public var isNewerThanData: Bool { if case .newerThanData = self { true } else { false } }
    }
}

extension CudaMatrix {
    public func status(of package: String, _ version: PEP440Version) -> IndexRelease.Status {
        let recorded = indexReleases(of: package)
        guard !recorded.isEmpty else { return .unrecorded }
        if let r = recorded.first(where: { $0.version == version }) { return .released(r) }
        let series = recorded.map(\.version).filter { $0.release.prefix(2) == version.release.prefix(2) }
        let scope = series.isEmpty ? recorded.map(\.version) : series
        guard let newest = scope.max(), version < newest else { return .newerThanData }
        let below = scope.filter { $0 < version }.suffix(2), above = scope.filter { $0 > version }.prefix(2)
        return .neverReleased(near: Array(below) + Array(above))
    }
}

import Rules

/// One package of a lock: its exact version, the hashes of the files the image's platform and
/// Python can install, the index it came from, and the build stage that installs it. Written on
/// one line, so that a version change is a one-line diff:
/// `requests==2.32.3 --hash=sha256:… # stage=app index=https://pypi.org/simple`.
public struct LockedPackage: Sendable, Equatable {
    /// Which install step takes the package: what the framework needs goes with the framework,
    /// what the SDK needs with the SDK, the rest with the other requirements, as a build without
    /// a lock splits them (editing requirements.txt never reinstalls torch).
    public enum Stage: String, Sendable, CaseIterable {
        case framework, cog, app
    }

    /// Normalized (PEP 503), as uv writes it.
    public let name: String
    public let version: PEP440Version
    public let hashes: [PackageHash]
    public let stage: Stage
    /// The index uv took it from; nil when uv did not say (a links page).
    public let index: String?

    public init(name: String, version: PEP440Version, hashes: [PackageHash], stage: Stage, index: String?) {
        self.name = PackageName.normalize(name)
        self.version = version
        self.hashes = hashes
        self.stage = stage
        self.index = index
    }

    /// `name==version --hash=…`: what an installer reads.
    public var requirement: String {
        (["\(name)==\(version)"] + hashes.map(\.option)).joined(separator: " ")
    }

    public var line: String {
        requirement + " # stage=\(stage.rawValue)" + (index.map { " index=\($0)" } ?? "")
    }

    /// Reads a line `line` renders; the error says what is wrong, the caller adds file and line.
    public init(parsing text: String) throws(LockSyntaxError) {
        let halves = text.split(separator: "#", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let words = halves[0].split(separator: " ").map(String.init)
        guard let pin = words.first, let eq = pin.range(of: "==") else {
            throw LockSyntaxError("expected NAME==VERSION, found \(LineText.quoted(text))")
        }
        guard let version = PEP440Version(String(pin[eq.upperBound...])) else {
            throw LockSyntaxError("\(LineText.quoted(String(pin[eq.upperBound...]))) is not a version")
        }
        var hashes: [PackageHash] = []
        for word in words.dropFirst() {
            guard word.hasPrefix("--hash="), let h = PackageHash(String(word.dropFirst("--hash=".count))) else {
                throw LockSyntaxError("\(LineText.quoted(word)) is not --hash=ALGORITHM:DIGEST")
            }
            hashes.append(h)
        }
        guard !hashes.isEmpty else { throw LockSyntaxError("\(pin) has no --hash; a lock checks every file it installs") }
        var stage: Stage?
        var index: String?
        for field in halves.count > 1 ? halves[1].split(separator: " ") : [] {
            if field.hasPrefix("stage=") {
                guard let s = Stage(rawValue: String(field.dropFirst("stage=".count))) else {
                    throw LockSyntaxError("\(LineText.quoted(String(field))) is not one of stage=framework, stage=cog, stage=app")
                }
                stage = s
            } else if field.hasPrefix("index=") {
                index = String(field.dropFirst("index=".count))
            }
        }
        guard let stage else { throw LockSyntaxError("\(pin) has no `# stage=…`; write cogpack lock again") }
        self.init(name: String(pin[..<eq.lowerBound]), version: version, hashes: hashes, stage: stage, index: index)
    }
}

/// What is wrong with one line of a lock file, before the file and line are known.
public struct LockSyntaxError: Error, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
}

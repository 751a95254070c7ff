import Foundation

/// `cogpack base`: a base image from Debian packages (debootstrap minbase plus Python, venv
/// support, tini and CA certificates), imported into the engine and labelled with what it
/// provides, so that machines without registry access can still build.
public struct BaseImageMaker {
    public static let packages = ["python3", "python3-venv", "tini", "ca-certificates"]
    static let debianVersions = ["bullseye": "11", "bookworm": "12", "trixie": "13"]
    /// The releases `cogpack base --all` makes: Python 3.9, 3.11 and 3.13 from Debian.
    public static let suites = ["bookworm", "trixie", "bullseye"]

    public let engine: EngineAPI
    public let suite: String
    public let mirror: String
    public var log: (String) -> Void = { _ in }

    public init(engine: EngineAPI, suite: String, mirror: String) {
        self.engine = engine
        self.suite = suite
        self.mirror = mirror
    }

    public struct Made {
        public let reference: String
        public let python: String
        public let seconds: Double
    }

    /// A `--suite` or `--mirror` that cannot be made, with the flag and what to write instead.
    public struct Invalid: Error, Equatable, Sendable {
        public let flag: String
        public let message: String
    }

    /// The Debian version of a release codename. Checked before anything runs: the suite and
    /// the mirror become debootstrap's arguments, so neither may pass for an option.
    public static func debianVersion(suite: String) throws -> String {
        let known = debianVersions.keys.sorted().joined(separator: ", ")
        // Debian names releases and suites with lower-case words (bookworm, stable, bookworm-backports).
        let words = suite.split(separator: "-", omittingEmptySubsequences: false)
        guard !suite.isEmpty, suite.utf8.count <= 64, words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }) else {
            throw Invalid(flag: "--suite", message: "'\(suite.prefix(64))' is not a Debian release name (lower-case letters, such as bookworm); use one of \(known)")
        }
        guard let version = debianVersions[suite] else {
            throw Invalid(flag: "--suite", message: "'\(suite)' is not a Debian release cogpack makes bases for; use one of \(known)")
        }
        return version
    }

    /// Debian's /etc/hosts for a machine without a name of its own.
    static let hosts = "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n"

    /// Where build steps mount the CA bundle (`--ca-cert`), relative to the root.
    static let caBundleMountPoint = "etc/ssl/certs/cogpack-ca.pem"

    /// A mirror debootstrap can fetch from: an http(s) URL with a host, or a file:// folder.
    public static func checkMirror(_ mirror: String) throws {
        let usage = "write a URL such as http://deb.debian.org/debian"
        guard !mirror.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
              let url = URL(string: mirror), let scheme = url.scheme?.lowercased() else {
            throw Invalid(flag: "--mirror", message: "'\(mirror.prefix(80))' is not a URL; \(usage)")
        }
        switch scheme {
        case "http", "https":
            guard let host = url.host, !host.isEmpty else { throw Invalid(flag: "--mirror", message: "'\(mirror.prefix(80))' has no host; \(usage)") }
        case "file":
            guard url.path.hasPrefix("/") else { throw Invalid(flag: "--mirror", message: "'\(mirror.prefix(80))' has no folder; \(usage)") }
        default:
            throw Invalid(flag: "--mirror", message: "'\(mirror.prefix(80))' is not an http, https or file URL; \(usage)")
        }
    }

    public func make() async throws -> Made {
        let started = Date()
        let version = try Self.debianVersion(suite: suite)
        try Self.checkMirror(mirror)
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/debootstrap") else {
            throw BuildError.plan("debootstrap is not installed; install it with `apt-get install debootstrap`")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-base-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: root) }
        log("debootstrap \(suite) with \(Self.packages.joined(separator: " "))")
        try run("/usr/sbin/debootstrap", ["--variant=minbase", "--include=\(Self.packages.joined(separator: ","))", suite, root.path, mirror])
        // Caches and lists would only make the image bigger; builds update the lists themselves.
        for dir in ["var/cache/apt/archives", "var/lib/apt/lists"] {
            let url = root.appendingPathComponent(dir)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where name.hasSuffix(".deb") || dir.hasSuffix("lists") {
                try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
            }
        }
        // debootstrap writes no /etc/hosts. A build step then finds none where the runtime mounts
        // its own, so BuildKit v0.8 creates one for the step and removes it after, which gives /etc
        // the build's time in every layer (docs/reproducibility.md). The engine mounts its own at
        // run time, as for any image.
        let hosts = root.appendingPathComponent("etc/hosts")
        if !FileManager.default.fileExists(atPath: hosts.path) {
            try Self.hosts.write(to: hosts, atomically: false, encoding: .utf8)
        }
        // The same for the CA bundle a build is given (`--ca-cert`), mounted on the first step:
        // an empty file where the plan mounts it (the Planner's `Layout.caBundle`).
        FileManager.default.createFile(atPath: root.appendingPathComponent(Self.caBundleMountPoint).path, contents: Data())
        let python = try pythonVersion(in: root)
        let repository = "cogpack/base"
        let tag = "\(suite)-python\(python)"
        log("importing \(repository):\(tag)")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["--numeric-owner", "-C", root.path, "-c", "."]
        let pipe = Pipe()
        tar.standardOutput = pipe
        try tar.run()
        let changes = [
            "LABEL \(LocalBaseImages.baseLabel)=\(repository):\(tag)",
            "LABEL \(LocalBaseImages.osLabel)=debian\(version)",
            "LABEL \(LocalBaseImages.pythonLabel)=\(python)",
            "LABEL \(LocalBaseImages.packagesLabel)=\"\(Self.packages.joined(separator: " "))\"",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "ENV LANG=C.UTF-8",
            "CMD [\"python3\"]",
        ]
        _ = try await engine.importImage(tar: pipe.fileHandleForReading, repository: repository, tag: tag, changes: changes)
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw BuildError.buildkit("tar of the root file system failed") }
        return Made(reference: "\(repository):\(tag)", python: python, seconds: Date().timeIntervalSince(started))
    }

    /// major.minor of the root file system's python3.
    private func pythonVersion(in root: URL) throws -> String {
        let bin = root.appendingPathComponent("usr/bin")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: bin.path)) ?? []
        let versions = names.compactMap { n -> String? in
            guard n.hasPrefix("python3."), n.dropFirst(8).allSatisfy(\.isNumber) else { return nil }
            return String(n.dropFirst(6))
        }
        guard let v = versions.sorted().last else { throw BuildError.plan("the new root file system has no python3") }
        return v
    }

    private func run(_ tool: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let tail = String(decoding: text, as: UTF8.self).split(separator: "\n").suffix(15).joined(separator: "\n")
            throw BuildError.buildkit("\(tool) failed (exit \(p.terminationStatus)):\n\(tail)")
        }
    }
}

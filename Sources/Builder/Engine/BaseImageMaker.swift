import Foundation

/// `cogpack base`: a base image from Debian packages (debootstrap minbase plus Python, venv
/// support, tini and CA certificates), imported into the engine and labelled with what it
/// provides, so that machines without registry access can still build.
public struct BaseImageMaker {
    public static let packages = ["python3", "python3-venv", "tini", "ca-certificates"]
    static let debianVersions = ["bullseye": "11", "bookworm": "12", "trixie": "13"]

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

    public func make() throws -> Made {
        let started = Date()
        guard let version = Self.debianVersions[suite] else {
            throw BuildError.plan("unknown Debian suite '\(suite)'; use one of \(Self.debianVersions.keys.sorted().joined(separator: ", "))")
        }
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
        _ = try engine.importImage(tar: pipe.fileHandleForReading, repository: repository, tag: tag, changes: changes)
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

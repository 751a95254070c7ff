/// With a lock: one install step's share of the locked packages, installed as they are (exact
/// versions, every file's hash checked, no dependency resolved at build time), from a context of
/// its own so that the step's cache key changes only when its own packages do.
enum LockedInstall {
    static let mountPoint = Layout.inputs + "/lock"

    /// The context and the step that install `stage`'s packages; nil when it has none.
    static func step(_ lock: LockFile, _ stage: LockedPackage.Stage, block: String, composer: Composer) -> Plan.Operation? {
        let packages = lock.packages(in: stage)
        guard !packages.isEmpty else { return nil }
        let context = "lock-\(stage.rawValue)"
        composer.addContext(context, Plan.Context(
            kind: .generated, block: block, description: "the \(LockFile.fileName) packages of the \(stage.rawValue) step, exact and hashed",
            excludes: [], files: ["requirements.txt": .init(content: packages.map { $0.requirement + "\n" }.joined(), mode: 0o644)]))
        let argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python", "--no-deps", "--require-hashes"]
            + lock.arguments + ["-r", mountPoint + "/requirements.txt"]
        let mounts: [Mount] = [.input(.context(context), target: mountPoint, path: "/"), Layout.uvMount, Layout.uvCache,
                               .caBundle(target: Layout.caBundle), Layout.tmp, Layout.wheelhouse]
        return .exec(.init(argv, label: "uv pip install --no-deps --require-hashes (\(packages.count) locked \(packages.count == 1 ? "package" : "packages"))", env: Layout.uvEnv,
                           mounts: mounts, network: true, writes: Layout.venvWrites))
    }
}

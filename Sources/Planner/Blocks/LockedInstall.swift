/// With a lock: one install step's share of the locked packages, installed as they are (exact
/// versions, every file's hash checked, no dependency resolved at build time), from a context of
/// its own so that the step's cache key changes only when its own packages do.
enum LockedInstall {
    static let mountPoint = Layout.inputs + "/lock"
    static let sourcesMountPoint = Layout.inputs + "/lock-sources"
    /// The model's `--find-links` folders, bound read-only from the build context.
    static let findLinksMountPoint = Layout.inputs + "/find-links"

    /// The package files of the model a lock installs (relative paths): the stage `files` copies
    /// them from the build context, for the hashed step to mount.
    static func files(_ lock: LockFile) -> [String] {
        lock.packages.compactMap { if case .file(let path) = $0.origin { path } else { nil } }
    }

    /// The context and the step that install `stage`'s packages that have files to hash (from an
    /// index, a URL, a package file of the model, which the stage `local-packages` holds, or an
    /// archive of a `--find-links` folder of the model, bound from the build context); nil when
    /// it has none.
    static func step(_ lock: LockFile, _ stage: LockedPackage.Stage, block: String, composer: Composer) -> Plan.Operation? {
        let packages = lock.packages(in: stage).filter(\.isHashed)
        guard !packages.isEmpty else { return nil }
        // An archive of the model by its path where the step has it: exactly that file, hash-checked.
        func line(_ p: LockedPackage) -> String {
            switch p.origin {
            case .file(let path): return (["\(p.name) @ file://\(AppDepsBlock.localMountPoint)/\(path)"] + p.hashes.map(\.option)).joined(separator: " ")
            case .findLinks(_, let path): return (["\(p.name) @ file://\(findLinksMountPoint)/\(path)"] + p.hashes.map(\.option)).joined(separator: " ")
            default: return p.requirement
            }
        }
        let context = "lock-\(stage.rawValue)"
        composer.addContext(context, Plan.Context(
            kind: .generated, block: block, description: "the \(LockFile.fileName) packages of the \(stage.rawValue) step, exact and hashed",
            excludes: [], files: ["requirements.txt": .init(content: packages.map { line($0) + "\n" }.joined(), mode: 0o644)]))
        let argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python", "--no-deps", "--require-hashes"]
            + lock.arguments + ["-r", mountPoint + "/requirements.txt"]
        var mounts: [Mount] = [.input(.context(context), target: mountPoint, path: "/"), Layout.uvMount, Layout.uvCache,
                               .caBundle(target: Layout.caBundle), Layout.tmp]
        if packages.contains(where: { if case .file = $0.origin { true } else { false } }) {
            mounts.append(.input(.stage("local-packages"), target: AppDepsBlock.localMountPoint, path: "/"))
        }
        let folders = packages.compactMap { p -> String? in if case .findLinks(let folder, _) = p.origin { folder } else { nil } }
        for folder in AppDepsBlock.outermost(folders) {
            mounts.append(.input(.context("context"), target: findLinksMountPoint + "/" + folder, path: "/" + folder))
        }
        mounts.append(Layout.wheelhouse)
        return .exec(.init(argv, label: "uv pip install --no-deps --require-hashes (\(packages.count) locked \(packages.count == 1 ? "package" : "packages"))", env: Layout.uvEnv,
                           mounts: mounts, network: true, writes: Layout.venvWrites))
    }

    /// The steps that install the locked packages no file hash can check, after the hashed ones:
    /// VCS checkouts at their commits and the model's source folders (whose digest the lock
    /// checked when the plan was made), `--no-deps` (what they need is locked and installed
    /// already). pip and uv refuse an unhashed line under `--require-hashes`, so these are an
    /// install of their own. As without a lock, the model's folders and repositories are bound
    /// read-only from the build context and copied to a tmpfs at /src for the install; remote
    /// VCS checkouts come from the network, with git installed for them.
    static func sourceSteps(_ lock: LockFile, block: String, composer: Composer) -> [Plan.Operation] {
        let packages = lock.packages.filter { !$0.isHashed }
        guard !packages.isEmpty else { return [] }
        var lines: [String] = []
        var folders: [String] = []
        var needsGit = false
        for p in packages {
            switch p.origin {
            case .folder(let path, _, let editable):
                folders.append(path)
                lines.append(editable ? "-e \(AppDepsBlock.workspace)/\(path)" : "\(p.name) @ file://\(AppDepsBlock.workspace)/\(path)")
            case .vcs(let reference, _):
                needsGit = true
                if let local = LockedPackage.localRepository(reference) {
                    folders.append(local.path)
                    lines.append("\(p.name) @ git+file://\(AppDepsBlock.workspace)/\(local.path)\(local.suffix)")
                } else {
                    lines.append("\(p.name) @ \(reference)")
                }
            case .index, .url, .file, .findLinks:
                continue
            }
        }
        let context = "lock-sources"
        composer.addContext(context, Plan.Context(
            kind: .generated, block: block, description: "the \(LockFile.fileName) packages from VCS commits and folders of the model",
            excludes: [], files: ["requirements.txt": .init(content: lines.map { $0 + "\n" }.joined(), mode: 0o644)]))
        var ops: [Plan.Operation] = []
        if needsGit { ops.append(AppDepsBlock.gitStep(emptyingLogs: true)) }
        let mounts: [Mount] = [.input(.context(context), target: sourcesMountPoint, path: "/"), Layout.uvMount, Layout.uvCache,
                               .caBundle(target: Layout.caBundle)]
            + AppDepsBlock.sourceMounts(AppDepsBlock.outermost(folders)) + [Layout.tmp, Layout.wheelhouse]
        var argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python", "--no-deps"]
            + lock.arguments + ["-r", sourcesMountPoint + "/requirements.txt"]
        if !folders.isEmpty { argv = AppDepsBlock.copyingSources(argv) }
        var env = Layout.uvEnv
        if needsGit { env += AppDepsBlock.gitEnv }
        ops.append(.exec(.init(argv, label: "uv pip install --no-deps (\(packages.count) locked VCS commits and folders)", env: env,
                               mounts: mounts, network: true, writes: Layout.venvWrites)))
        return ops
    }
}

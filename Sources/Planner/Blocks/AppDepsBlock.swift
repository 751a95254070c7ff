import Foundation
import Rules

/// The rest of the requirements: pins as written (markers evaluated), index options on lines of
/// their own at the top, local wheel files and source folders from the model folder, the `-c`
/// files and the framework and SDK pins as constraints so that nothing here can change torch or
/// cog. A cache mount keeps downloads between builds.
struct AppDepsBlock: Block {
    let name = "app-deps"
    static let context = "requirements"
    static let mountPoint = Layout.inputs + "/requirements"
    static let localMountPoint = Layout.inputs + "/local"
    /// Source folders and git repositories of the model, bound read-only here from the context...
    static let modelMountPoint = Layout.inputs + "/model"
    /// ...and copied for the install to where the image has them (a tmpfs over /src, so nothing of
    /// it reaches the layer): a build backend writes into its source folder, and an editable
    /// install then points to the model's own copy of the folder at run time.
    static let workspace = Layout.src
    /// The SDK is installed by its own block at the release the resolver chose (a `cog` line is
    /// one of the resolver's requests); coglet comes with it, at the release the SDK requires.
    static let managed = ["cog", "coglet"]

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        if let lock = input.lock {
            // The rest of the environment, as locked: no resolution at build time.
            let files = LockedInstall.files(lock)
            if !files.isEmpty { try Self.addLocalPackages(files, block: name, composer: composer) }
            let ops = [LockedInstall.step(lock, .app, block: name, composer: composer)].compactMap { $0 }
                + LockedInstall.sourceSteps(lock, block: name, composer: composer)
            guard !ops.isEmpty else { return }
            try composer.addStage("app-deps", phase: .appDeps, block: name, name: "requirements (locked)",
                                  source: .phase(.frameworkDeps), operations: ops, provides: ["app-deps"])
            return
        }
        let project = input.project
        var files = GeneratedRequirements()
        for option in project.requirements.options { try files.add(option, input) }
        for r in project.activeRequirements {
            if let name = r.name, input.kb.framework(of: name) != nil { continue }
            if let name = r.name, Self.managed.contains(name) {
                if name != CogRuntimeBlock.package {
                    composer.warn("\(r.source): '\(r.text)' is left out: coglet comes with the cog SDK, at the release the SDK requires")
                }
                continue
            }
            try files.add(r, input)
        }
        for c in project.activeConstraints {
            // The resolver held the framework to these; the SDK pin is the plan's.
            guard let name = c.name, input.kb.framework(of: name) == nil, !Self.managed.contains(name) else { continue }
            files.constraints.append(GeneratedRequirements.line(c.text, hashes: c.hashes))
        }
        // Nothing in the requirements may move the framework or the SDK.
        let constraints = resolved.frameworkPins(input.kb) + ["cog==\(try CogRuntimeBlock.version(resolved))"] + files.constraints
        composer.addContext(Self.context, Plan.Context(
            kind: .generated, block: name, description: "requirements rewritten for the build, and the framework and SDK pins as constraints",
            excludes: [],
            files: ["requirements.txt": .init(content: files.text, mode: 0o644),
                    "constraints.txt": .init(content: constraints.map { $0 + "\n" }.joined(), mode: 0o644)]))
        guard !files.requirements.isEmpty else { return }

        var mounts: [Mount] = [.input(.context(Self.context), target: Self.mountPoint, path: "/"), Layout.uvMount, Layout.uvCache,
                               .caBundle(target: Layout.caBundle)]
        if !files.localFiles.isEmpty {
            try Self.addLocalPackages(files.localFiles, block: name, composer: composer)
            mounts.append(.input(.stage("local-packages"), target: Self.localMountPoint, path: "/"))
        }
        mounts += Self.sourceMounts(files.sourceFolders)
        mounts.append(Layout.tmp)
        var ops: [Plan.Operation] = []
        if files.needsGit { ops.append(Self.gitStep(emptyingLogs: false)) }
        var argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python"] + files.flags
        var label = "uv pip install -r requirements.txt"
        if files.indexSources > 1 {
            // uv stops at the first index that has a package; pip takes the best version from all.
            argv += ["--index-strategy", "unsafe-best-match"]
            label += " (every index searched for the best version, as pip does: --index-strategy unsafe-best-match)"
        }
        if files.allHashed {
            // pip turns hash checking on for every line once one has a hash; here every line has.
            argv.append("--require-hashes")
            label += " (hashes required)"
        } else if files.someHashed {
            argv.append("--verify-hashes")
            label += " (hashes checked where given)"
            composer.warn("\(files.firstUnhashed!): not every requirement has --hash; pip would refuse the file, cogpack checks the hashes given and installs the rest unchecked")
        }
        argv += ["-r", Self.mountPoint + "/requirements.txt", "-c", Self.mountPoint + "/constraints.txt"]
        var env = Layout.uvEnv
        if files.needsGit { env += Self.gitEnv }
        if !files.sourceFolders.isEmpty { argv = Self.copyingSources(argv) }
        ops.append(.exec(.init(argv, label: label, env: env, mounts: mounts + [Layout.wheelhouse], network: true, writes: Layout.venvWrites)))
        try composer.addStage("app-deps", phase: .appDeps, block: name, name: "requirements",
                              source: .phase(.frameworkDeps), operations: ops, provides: ["app-deps"])
    }

    // What the install steps with and without a lock share.

    /// The stage `local-packages`: the model's package files (relative paths), copied from the
    /// build context onto scratch, for an install step to mount at `localMountPoint`.
    static func addLocalPackages(_ files: [String], block: String, composer: Composer) throws {
        try composer.addStage("local-packages", phase: .appDeps, block: block, name: "local package files",
                              source: .scratch, operations: files.map { .copy(.init(from: .context("context"), src: [$0], dest: "/" + $0)) })
    }

    /// The model's source folders (and `git+file:` repositories) bound read-only from the build
    /// context, and a tmpfs over /src that `copyingSources` copies them to; none without folders.
    static func sourceMounts(_ folders: [String]) -> [Mount] {
        guard !folders.isEmpty else { return [] }
        return folders.map { .input(.context("context"), target: modelMountPoint + "/" + $0, path: "/" + $0) } + [.tmpfs(target: workspace)]
    }

    /// `argv` run after the bound folders are copied to where the image has them (/src), by a
    /// fixed script: the install's arguments follow it as "$@".
    static func copyingSources(_ argv: [String]) -> [String] {
        ["/bin/sh", "-c", "cp -a \(modelMountPoint)/. \(workspace)/ && exec \"$@\"", "install"] + argv
    }

    /// uv fetches VCS requirements with git. It stays in the image: the environment's chain is the
    /// image, and BuildKit v0.8 cannot take a package back out of a layer. `emptyingLogs`: from a
    /// lock, the layer must be the same on every build (docs/reproducibility.md), so apt's logs
    /// are emptied as AptBlock empties them.
    static func gitStep(emptyingLogs: Bool) -> Plan.Operation {
        var script = gitInstall
        if emptyingLogs {
            script += " && for f in " + AptBlock.varyingFiles.joined(separator: " ") + #"; do if [ -f "$f" ]; then : > "$f"; fi; done"#
        }
        return .exec(.shell(script, label: "apt-get install git (for VCS requirements)", env: ["DEBIAN_FRONTEND=noninteractive"],
                            mounts: [Layout.aptCache, Layout.aptLists, .caBundle(target: Layout.caBundle)], network: true))
    }

    /// How a build installs git, and `cogpack lock` in its container.
    static let gitInstall = "apt-get update -qq && apt-get install -qqy --no-install-recommends git ca-certificates"

    /// The repository's files keep the owner they have on the host; git must read them anyway.
    static let gitEnv = ["GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=*"]

    /// The folders of `folders` not inside another of them: one bind covers a folder and what
    /// is below it.
    static func outermost(_ folders: [String]) -> [String] {
        Set(folders).sorted().filter { folder in !folders.contains { folder.hasPrefix($0 + "/") } }
    }
}

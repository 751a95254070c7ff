import Foundation
import Rules

/// The rest of the requirements: pins as written (markers evaluated), index options hoisted to
/// the top, local wheel files from the model folder, the framework and SDK pins as constraints so
/// that nothing here can change torch or cog. A cache mount keeps downloads between builds.
struct AppDepsBlock: Block {
    let name = "app-deps"
    static let context = "requirements"
    static let mountPoint = Layout.inputs + "/requirements"
    static let localMountPoint = Layout.inputs + "/local"
    /// The SDK is installed by its own block at the version the plan chose.
    static let managed = ["cog", "coglet"]

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let project = input.project
        var lines: [String] = []
        var localFiles: [String] = []
        var needsGit = false
        for option in project.requirements.options {
            // The framework stage installs from the torch index itself; other indexes stay.
            if option.value.contains("download.pytorch.org") { continue }
            var value = option.value
            if option.option == "--find-links", !value.contains("://") {
                localFiles.append(IgnorePatterns.clean(value))
                value = Self.localMountPoint + "/" + IgnorePatterns.clean(value)
            }
            lines.append(value.isEmpty ? option.option : "\(option.option) \(value)")
        }
        for r in project.activeRequirements {
            if FrameworkBlock.packages.contains(r.name) { continue }
            if Self.managed.contains(r.name) {
                composer.warn("\(r.source): '\(r.text)' is left out: the cog SDK comes from build.sdk_version (or rules/build-tools.yaml)")
                continue
            }
            var line = r.text
            switch r.origin {
            case .file(let path):
                let clean = IgnorePatterns.clean(path)
                guard input.source.exists(clean) else {
                    throw InputError(r.source, "\(path) is not in the model folder (or .dockerignore leaves it out); add the file or remove the line")
                }
                localFiles.append(clean)
                line = Self.localMountPoint + "/" + clean
            case .vcs:
                needsGit = true
            case .index, .url:
                break
            }
            lines.append(r.editable ? "-e " + line : line)
        }
        // Nothing in the requirements may move the framework or the SDK.
        let constraints = FrameworkBlock.pins(resolved) + ["cog==\(try CogRuntimeBlock.version(input).0)"]
        composer.addContext(Self.context, Plan.Context(
            kind: .generated, block: name, description: "requirements rewritten for the build, and the framework and SDK pins as constraints",
            excludes: [],
            files: ["requirements.txt": .init(content: lines.map { $0 + "\n" }.joined(), mode: 0o644),
                    "constraints.txt": .init(content: constraints.map { $0 + "\n" }.joined(), mode: 0o644)]))
        guard lines.contains(where: { !$0.hasPrefix("-") || $0.hasPrefix("-e ") }) else { return }

        var mounts: [Mount] = [.input(.context(Self.context), target: Self.mountPoint, path: "/"), Layout.uvMount, Layout.uvCache,
                               .caBundle(target: Layout.caBundle)]
        if !localFiles.isEmpty {
            try composer.addStage("local-packages", phase: .appDeps, block: name, name: "local package files",
                                  source: .scratch,
                                  operations: localFiles.map { .copy(.init(from: .context("context"), src: [$0], dest: "/" + $0)) })
            mounts.append(.input(.stage("local-packages"), target: Self.localMountPoint, path: "/"))
        }
        var ops: [Plan.Operation] = []
        if needsGit {
            // uv fetches VCS requirements with git. It stays in the image: the environment's
            // chain is the image, and BuildKit v0.8 cannot take a package back out of a layer.
            ops.append(.exec(.shell("apt-get update -qq && apt-get install -qqy --no-install-recommends git ca-certificates",
                                    label: "apt-get install git (for VCS requirements)", env: ["DEBIAN_FRONTEND=noninteractive"],
                                    mounts: [Layout.aptCache, Layout.aptLists, .caBundle(target: Layout.caBundle)], network: true)))
        }
        let argv = [Layout.uv, "pip", "install", "--python", "\(Layout.venv)/bin/python",
                    "-r", Self.mountPoint + "/requirements.txt", "-c", Self.mountPoint + "/constraints.txt"]
        ops.append(.exec(.init(argv, label: "uv pip install -r requirements.txt", env: Layout.uvEnv, mounts: mounts, network: true)))
        try composer.addStage("app-deps", phase: .appDeps, block: name, name: "requirements",
                              source: .phase(.frameworkDeps), operations: ops, provides: ["app-deps"])
    }
}

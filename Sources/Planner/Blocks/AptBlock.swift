/// System packages in one layer: cog.yaml's `system_packages`, those the rules add for Python
/// packages, and tini as the init process. The apt caches are locked cache mounts, so package
/// lists and downloads never reach the layer. The names are apt-get's arguments (`"$@"`), never
/// part of the shell text, so no name can become a command.
struct AptBlock: Block {
    let name = "apt"
    static let initPackage = "tini"
    /// What apt and dpkg write that differs on every install of the same packages: their logs,
    /// with the time of each action, and ldconfig's cache of the libraries' file details (which
    /// ldconfig rebuilds when it finds it empty).
    static let varyingFiles = ["/var/log/dpkg.log", "/var/log/alternatives.log", "/var/log/apt/history.log",
                               "/var/log/apt/term.log", "/var/log/apt/eipp.log.xz", "/var/cache/ldconfig/aux-cache"]

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        var packages = [Self.initPackage]
        for p in resolved.resolution.apt.packages where !packages.contains(p) {
            packages.append(p)
        }
        var script = #"apt-get update -qq && apt-get install -qqy --no-install-recommends "$@""#
        // From a lock, the layer must be the same on every build (docs/reproducibility.md).
        // Emptied, not removed: the removal of a file of the base is a whiteout, and BuildKit v0.8
        // gives whiteouts the build's time.
        if input.lock != nil {
            script += " && for f in " + Self.varyingFiles.joined(separator: " ") + #"; do if [ -f "$f" ]; then : > "$f"; fi; done"#
        }
        let exec = Plan.Operation.Exec(["/bin/sh", "-c", script, "sh"] + packages,
                                       label: "apt-get install \(packages.joined(separator: " "))",
                                       env: ["DEBIAN_FRONTEND=noninteractive"],
                                       mounts: [Layout.aptCache, Layout.aptLists, .caBundle(target: Layout.caBundle)],
                                       network: true)
        try composer.addStage("system-deps", phase: .systemDeps, block: name, name: "system packages",
                              operations: [.exec(exec)], provides: packages)
    }
}

/// System packages in one layer: cog.yaml's `system_packages`, those the rules add for Python
/// packages, and tini as the init process. The apt caches are locked cache mounts, so package
/// lists and downloads never reach the layer. The names are apt-get's arguments (`"$@"`), never
/// part of the shell text, so no name can become a command.
struct AptBlock: Block {
    let name = "apt"
    static let initPackage = "tini"

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        var packages = [Self.initPackage]
        for p in resolved.resolution.apt.packages where !packages.contains(p) {
            packages.append(p)
        }
        let script = #"apt-get update -qq && apt-get install -qqy --no-install-recommends "$@""#
        let exec = Plan.Operation.Exec(["/bin/sh", "-c", script, "sh"] + packages,
                                       label: "apt-get install \(packages.joined(separator: " "))",
                                       env: ["DEBIAN_FRONTEND=noninteractive"],
                                       mounts: [Layout.aptCache, Layout.aptLists, .caBundle(target: Layout.caBundle)],
                                       network: true)
        try composer.addStage("system-deps", phase: .systemDeps, block: name, name: "system packages",
                              operations: [.exec(exec)], provides: packages)
    }
}

import PlanFormat

/// The file times of a build from a lock (docs/reproducibility.md): every file, folder and link a
/// step writes gets one fixed time, so that two builds of one lock give the same layers.
///
/// BuildKit v0.8 has a `timestamp` on its file actions (copy, mkfile, mkdir: nanoseconds since
/// 1970, `-1` keeps the time; `solver/llbsolver/file/backend.go`, `timestampToTime`), but nothing
/// for exec steps: the exporter's `rewrite-timestamp` came with v0.13. So each exec step of the
/// image's stages runs inside a small shell script that sets the time itself, with
/// `SOURCE_DATE_EPOCH` in its environment (which also makes Python's `py_compile` write
/// hash-based byte-code):
///
/// 1. a marker file in `/dev` (a tmpfs of the runtime, never in a layer), then a pause of 20 ms,
///    because the kernel's file times are coarse: a file written in the marker's tick would not
///    be newer than it;
/// 2. the mount points of the plan's other steps that are not there yet, made now, so that the
///    runtime never creates them later: a mount point the runtime creates is hidden under its
///    mount during the step and keeps the build's time in the layer;
/// 3. the step's own command;
/// 4. the parents of the step's own mount points, when newer than the fixed time: the runtime
///    creates a missing mount point before the step starts (in the first step only, after 2.),
///    and that changes its folder;
/// 5. everything on the layer's file system newer than the marker, save the runtime's mounts:
///    set to the fixed time (`touch -h`: a link itself, not its target). For a step whose plan
///    says where it writes (an install into the venv), only those folders are walked, and the
///    folders above them (which a folder made there changes): the walk of the whole file system
///    reads every file of the base (about 10,000 on the slim base, 0.1 to 0.2 s a step).
struct FileTimeClamp {
    /// Seconds since 1970: the base image's `created`, which the history entries also take.
    let epoch: Int64
    /// Every mount point of the plan's exec steps: a file for secrets and the CA bundle, a
    /// folder otherwise (caches, tmpfs, and inputs, which are whole stages or contexts, or
    /// folders of them).
    let mountPoints: [MountPoint]

    struct MountPoint: Hashable {
        let path: String
        let isFile: Bool
    }

    /// The runtime's own mounts on every step, which are not the layer's.
    static let runtimeMounts = ["/proc", "/sys", "/dev", "/etc/resolv.conf", "/etc/hosts", "/etc/hostname"]
    static let marker = "/dev/.cogpack-clamp-start"

    var nanoseconds: Int64 { epoch * 1_000_000_000 }
    var environment: [String] { ["SOURCE_DATE_EPOCH=\(epoch)"] }

    /// `argv` run by the clamping script; `own` are the step's mount points, `writes` the
    /// folders the step writes in (nil: anywhere).
    func wrap(_ argv: [String], own: [String], writes: [String]? = nil) -> [String] {
        ["/bin/sh", "-c", script(own: own, writes: writes), "cogpack-clamp"] + argv
    }

    func script(own: [String], writes: [String]? = nil) -> String {
        let t = "\"@$SOURCE_DATE_EPOCH\""
        // A mount point inside one of this step's mounts would be written into that mount.
        let others = mountPoints.filter { p in !own.contains { p.path == $0 || p.path.hasPrefix($0 + "/") } }
        var lines = ["m=\(Self.marker)", ": > \"$m\" || exit 1", "sleep 0.02"]
        let dirs = others.filter { !$0.isFile }.map(\.path)
        if !dirs.isEmpty {
            lines.append("for d in \(Self.words(dirs)); do [ -e \"$d\" ] || [ -L \"$d\" ] || mkdir -p \"$d\" || exit 1; done")
        }
        let files = others.filter(\.isFile).map(\.path)
        if !files.isEmpty {
            lines.append("for f in \(Self.words(files)); do [ -e \"$f\" ] || [ -L \"$f\" ] || { mkdir -p \"${f%/*}\" && : > \"$f\"; } || exit 1; done")
        }
        lines.append("\"$@\" || exit $?")
        let parents = Self.parents(of: own)
        if !parents.isEmpty {
            lines.append("for p in \(Self.words(parents)); do [ -z \"$(find \"$p\" -maxdepth 0 -newermt \(t))\" ] || touch -h -d \(t) \"$p\" || exit 1; done")
        }
        let pruned = (Self.runtimeMounts + own).map { "-path \(Self.quote($0))" }.joined(separator: " -o ")
        if let writes {
            // What the step writes and the mount points made above, where they exist after the
            // step (it may not have made each); then the folders above them up to `/`, each by
            // itself, which a name made in them changes.
            let roots = writes + others.map(\.path)
            lines.append("set --")
            lines.append("for w in \(Self.words(roots)); do if [ -e \"$w\" ] || [ -L \"$w\" ]; then set -- \"$@\" \"$w\"; fi; done")
            lines.append("[ $# -eq 0 ] || find \"$@\" -xdev \\( \(pruned) \\) -prune -o -newer \"$m\" -exec touch -h -d \(t) {} + || exit 1")
            let above = Self.parents(of: roots).filter { p in !roots.contains(p) } + ["/"]
            lines.append("for p in \(Self.words(above)); do if [ -e \"$p\" ] && [ \"$p\" -nt \"$m\" ]; then touch -h -d \(t) \"$p\" || exit 1; fi; done")
        } else {
            lines.append("find / -xdev \\( \(pruned) \\) -prune -o -newer \"$m\" -exec touch -h -d \(t) {} + || exit 1")
        }
        lines.append("rm -f \"$m\"")
        return lines.joined(separator: "\n")
    }

    /// The folders above `paths`, deepest first, `/` left out (each once).
    static func parents(of paths: [String]) -> [String] {
        var out: [String] = []
        for path in paths {
            var p = path
            while let slash = p.lastIndex(of: "/"), slash != p.startIndex {
                p = String(p[..<slash])
                if !out.contains(p) && !paths.contains(p) { out.append(p) }
            }
        }
        return out
    }

    static func words(_ items: [String]) -> String { items.map(quote).joined(separator: " ") }

    /// A word for `sh`, whatever it holds.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

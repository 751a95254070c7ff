import Foundation
import PlanFormat

/// Plan → LLB `Definition`, for BuildKit v0.8: image and local sources, exec ops with their
/// mounts, file ops with the `-1` sentinels, the platform on every op, readable names, and caps
/// for what is used. The same plan and inputs give the same bytes, hence the same digests.
struct PlanCompiler {
    /// What the build adds to the plan: base image configs, the CA bundle, the secrets given.
    struct Inputs {
        /// Env of each image a stage starts from, from its config (qualified reference → env).
        var imageEnv: [String: [String]] = [:]
        /// A CA bundle is served as the `cogpack-ca` context; without one, `ca_bundle` mounts are dropped.
        var hasCABundle = false
        /// Secret ids the client can serve; a secret mount for another id is optional.
        var secrets: Set<String> = []
        /// A folder of wheels is served as the `cogpack-wheelhouse` context; without one,
        /// `wheelhouse` mounts are dropped.
        var hasWheelhouse = false
        /// Run every step again (`--no-cache`).
        var ignoreCache = false
        /// The build's session, named in every local source (`local.session`). Without it, two
        /// builds at once whose local sources are the same op (the same context name and
        /// patterns: any two models of one plan shape) are one vertex to BuildKit, which then
        /// reads the files of either session for both.
        var sessionID: String?
        /// `created` of each image a stage starts from (qualified reference → RFC 3339), from its
        /// config: with `fixed_history_time`, the time of every file the build writes.
        var imageCreated: [String: String] = [:]
    }

    static let caContext = "cogpack-ca"
    static let caFile = "ca.pem"
    static let wheelhouseContext = "cogpack-wheelhouse"

    /// The filesystem after a stage, and what the image config needs to know about it.
    struct State {
        var output: LLBOutput?
        var env: EnvList
        /// The image at the bottom of the chain, qualified.
        var image: String?
        /// One entry per layer added on top of the image.
        var history: [String]
    }

    struct Compiled {
        let definition: Pb_Definition
        let final: State
        /// Local sources the session must serve: context name → the patterns used with it.
        let localContexts: Set<String>
    }

    let plan: Plan
    let inputs: Inputs
    private let graph: LLBGraph
    private var states: [String: State] = [:]
    private var localContexts = Set<String>()
    /// With a fresh lock (the plan's `fixed_history_time`), the one time of every file written.
    let clamp: FileTimeClamp?
    /// The stages whose layers the image has: the last stage and the stages it starts from. The
    /// steps of the others (uv's, whose files steps mount) run without the clamp: their files
    /// reach no layer, and the walk cost a third of a second a build.
    let imageStages: Set<String>

    init(plan: Plan, inputs: Inputs) {
        self.plan = plan
        self.inputs = inputs
        graph = LLBGraph(os: plan.platform.os, arch: plan.platform.arch)
        graph.ignoreCache = inputs.ignoreCache
        clamp = Self.clamp(plan, inputs)
        imageStages = Self.chain(plan)
    }

    /// The ids of the last stage and of the stages below it.
    static func chain(_ plan: Plan) -> Set<String> { Set(chainStages(plan).map(\.id)) }

    /// The last stage and the stages it starts from, top down, each once.
    static func chainStages(_ plan: Plan) -> [Plan.Stage] {
        var out: [Plan.Stage] = []
        var stage = plan.stages.last
        while let s = stage, !out.contains(where: { $0.id == s.id }) {
            out.append(s)
            guard case .stage(let id) = s.source else { break }
            stage = plan.stages.first { $0.id == id }
        }
        return out
    }

    /// The clamp of a plan with `fixed_history_time` whose final image has a `created`: the
    /// time the history entries take too (ImageConfig).
    static func clamp(_ plan: Plan, _ inputs: Inputs) -> FileTimeClamp? {
        guard plan.export.fixedHistoryTime == true, let image = finalImage(plan),
              let created = inputs.imageCreated[image], let epoch = RFC3339.seconds(created) else { return nil }
        var points: [FileTimeClamp.MountPoint] = []
        for stage in plan.stages {
            for case .exec(let e) in stage.operations {
                for m in e.mounts where mounted(m, inputs) {
                    let point = FileTimeClamp.MountPoint(path: m.target, isFile: isFile(m))
                    if !points.contains(point) { points.append(point) }
                }
            }
        }
        return FileTimeClamp(epoch: max(epoch, 0), mountPoints: points)
    }

    /// The image at the bottom of the last stage's chain (qualified), as `compile` finds it.
    static func finalImage(_ plan: Plan) -> String? {
        guard case .image(let ref) = chainStages(plan).last?.source else { return nil }
        return ImageReference.qualified(ref)
    }

    /// Whether the build mounts `m`: the CA bundle and the wheelhouse only when it has them.
    private static func mounted(_ m: Mount, _ inputs: Inputs) -> Bool {
        switch m {
        case .caBundle: inputs.hasCABundle
        case .wheelhouse: inputs.hasWheelhouse
        default: true
        }
    }

    private static func isFile(_ m: Mount) -> Bool {
        switch m {
        case .secret, .caBundle: true
        default: false
        }
    }

    /// The images the plan starts stages from (qualified), whose configs the build must resolve.
    static func images(in plan: Plan) -> [String] {
        var out: [String] = []
        for s in plan.stages {
            if case .image(let ref) = s.source {
                let q = ImageReference.qualified(ref)
                if !out.contains(q) { out.append(q) }
            }
        }
        return out
    }

    mutating func compile() throws -> Compiled {
        for stage in plan.stages {
            var state = try start(stage)
            state.env.apply(stage.env)
            for op in stage.operations {
                state = try apply(op, to: state, in: stage)
            }
            states[stage.id] = state
        }
        guard let last = plan.stages.last, let final = states[last.id], let output = final.output else {
            throw BuildError.plan("the plan's last stage has no file system to export")
        }
        return Compiled(definition: try graph.definition(result: output), final: final, localContexts: localContexts)
    }

    // MARK: inputs

    private mutating func start(_ stage: Plan.Stage) throws -> State {
        switch stage.source {
        case .image(let ref):
            let q = ImageReference.qualified(ref)
            let out = try imageSource(q)
            return State(output: out, env: EnvList(inputs.imageEnv[q] ?? []), image: q, history: [])
        case .stage(let id):
            guard let s = states[id] else { throw BuildError.plan("stage \(stage.id) starts from unknown stage \(id)") }
            return s
        case .scratch:
            return State(output: nil, env: EnvList(), image: nil, history: [])
        case .context(let name):
            return State(output: try localSource(name, includes: [], excludes: contextExcludes(name)), env: EnvList(), image: nil, history: [])
        case .auto, .phase:
            throw BuildError.plan("stage \(stage.id) has an unresolved input; compose the plan first")
        }
    }

    private func contextExcludes(_ name: String) -> [String] { plan.contexts[name]?.excludes ?? [] }

    private mutating func imageSource(_ qualified: String) throws -> LLBOutput {
        var op = Pb_Op()
        var src = Pb_SourceOp()
        src.identifier = "docker-image://\(qualified)"
        op.source = src
        return LLBOutput(digest: try graph.add(op, name: nil, caps: ["source.image"]), index: 0)
    }

    private mutating func localSource(_ name: String, includes: [String], excludes: [String]) throws -> LLBOutput {
        localContexts.insert(name)
        var op = Pb_Op()
        var src = Pb_SourceOp()
        src.identifier = "local://\(name)"
        src.attrs["local.sharedkeyhint"] = name
        if let session = inputs.sessionID { src.attrs["local.session"] = session }
        var caps = ["source.local"]
        if !includes.isEmpty {
            src.attrs["local.includepattern"] = try jsonArray(includes)
            caps.append("source.local.includepatterns")
        }
        if !excludes.isEmpty {
            src.attrs["local.excludepatterns"] = try jsonArray(excludes)
            caps.append("source.local.excludepatterns")
        }
        op.source = src
        let label = includes.isEmpty ? "context \(name)" : "context \(name): \(includes.joined(separator: " "))"
        return LLBOutput(digest: try graph.add(op, name: "[internal] load \(label)", caps: caps), index: 0)
    }

    private func jsonArray(_ items: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: items, options: [.withoutEscapingSlashes]), as: UTF8.self)
    }

    /// The output a copy or mount reads from.
    private mutating func output(of input: StageInput, selecting paths: [String] = [], excludes: [String] = []) throws -> LLBOutput? {
        switch input {
        case .stage(let id):
            guard let s = states[id] else { throw BuildError.plan("reference to unknown stage \(id)") }
            return s.output
        case .image(let ref): return try imageSource(ImageReference.qualified(ref))
        case .context(let name):
            // A copy's sources are paths: escaped, so that `w[ab].bin` selects that file alone.
            let includes = paths.filter { $0 != "." && $0 != "/" }
                .map { IgnorePatterns.literal($0.hasPrefix("/") ? String($0.dropFirst()) : $0) }
            // A copy's excludes often repeat the context's own; each pattern once.
            var seen = Set<String>()
            let all = (contextExcludes(name) + excludes).filter { seen.insert($0).inserted }
            return try localSource(name, includes: includes, excludes: all)
        case .scratch: return nil
        case .auto, .phase: throw BuildError.plan("unresolved input in a composed plan")
        }
    }

    // MARK: operations

    private mutating func apply(_ op: Plan.Operation, to state: State, in stage: Plan.Stage) throws -> State {
        switch op {
        case .exec(let e): return try exec(e, on: state, in: stage)
        case .copy(let c): return try copy(c, on: state, in: stage)
        case .mkfile(let f):
            var a = Pb_FileActionMkFile()
            a.path = f.path
            a.mode = Int32(f.mode)
            a.data = Data(f.content.utf8)
            a.timestamp = clamp?.nanoseconds ?? -1
            var action = Pb_FileAction()
            action.mkfile = a
            return try fileOp([action], inputs: [], on: state, name: "[\(stage.id)] mkfile \(f.path)")
        case .mkdir(let d):
            var a = Pb_FileActionMkDir()
            a.path = d.path
            a.mode = Int32(d.mode)
            a.makeParents = d.parents
            a.timestamp = clamp?.nanoseconds ?? -1
            var action = Pb_FileAction()
            action.mkdir = a
            return try fileOp([action], inputs: [], on: state, name: "[\(stage.id)] mkdir \(d.path)")
        case .rm(let r):
            var a = Pb_FileActionRm()
            a.path = r.path
            a.allowNotFound = r.allowNotFound
            var action = Pb_FileAction()
            action.rm = a
            return try fileOp([action], inputs: [], on: state, name: "[\(stage.id)] rm \(r.path)")
        }
    }

    /// One FileOp: actions chained on `state`, each reading the previous one's output.
    private mutating func fileOp(_ actions: [Pb_FileAction], inputs secondary: [LLBOutput?], on state: State, name: String) throws -> State {
        var opInputs = OpInputs()
        let base = opInputs.index(of: state.output)
        let secondaryIndex = secondary.map { opInputs.index(of: $0) }
        var chained: [Pb_FileAction] = []
        for (k, var action) in actions.enumerated() {
            // The first action works on the state; each later one on the action before it.
            action.input = k == 0 ? base : Int64(opInputs.list.count + k - 1)
            action.secondaryInput = k < secondaryIndex.count ? secondaryIndex[k] : -1
            action.output = k == actions.count - 1 ? 0 : -1
            chained.append(action)
        }
        return try emitFileOp(chained, inputs: opInputs, on: state, name: name)
    }

    private mutating func copy(_ c: Plan.Operation.Copy, on state: State, in stage: Plan.Stage) throws -> State {
        let source: LLBOutput?
        var srcPaths = c.src
        if case .context = c.from, !c.excludes.isEmpty {
            // v0.8 copies have no exclude patterns: the excludes go to the local source instead,
            // and the copy takes the whole (filtered) context.
            source = try output(of: c.from, selecting: [], excludes: c.excludes)
            srcPaths = ["/"]
        } else {
            guard c.excludes.isEmpty else {
                throw BuildError.plan("stage \(stage.id): BuildKit v0.8 cannot exclude files from a copy out of a stage")
            }
            source = try output(of: c.from, selecting: c.src)
        }
        var actions: [Pb_FileAction] = []
        var secondary: [LLBOutput?] = []
        for src in srcPaths {
            var a = Pb_FileActionCopy()
            a.src = src.hasPrefix("/") ? src : "/" + src
            a.dest = c.dest
            a.mode = c.mode.map(Int32.init) ?? -1
            a.timestamp = clamp?.nanoseconds ?? -1
            // A plan's sources are paths, never patterns: no wildcard expansion, so a file named
            // `w[ab].bin` copies that file and not `wa.bin`. A source that is a symlink is followed
            // within the source's own root, as Docker's COPY does.
            a.followSymlink = true
            a.dirCopyContents = true
            a.createDestPath = true
            a.allowWildcard = false
            if let owner = c.owner { a.owner = try chown(owner) }
            var action = Pb_FileAction()
            action.copy = a
            actions.append(action)
            secondary.append(source)
        }
        let what = c.src.joined(separator: " ")
        let name = "[\(stage.id)] copy \(what) → \(c.dest)"
        if let clamp, c.owner == nil, Self.isWithin(c.dest, plan.export.workingDir) {
            return try stagedCopy(actions, from: source, on: state, clamp: clamp, name: name)
        }
        return try fileOp(actions, inputs: secondary, on: state, name: name)
    }

    static func isWithin(_ path: String, _ folder: String) -> Bool {
        folder.count > 1 && (path == folder || path.hasPrefix(folder + "/"))
    }

    /// A copy into the model's folder with fixed times: made on an empty file system first, then
    /// copied onto the state as one tree. BuildKit v0.8's copy sets the time of the folders it
    /// copies after their contents, but leaves a destination folder that was there already, or
    /// that it made for the destination's path, with the time the kernel gave it when entries were
    /// added (fsutil's `copyDirectory`); as folders of the copied tree, `/src` and `/src/.cog` take
    /// the fixed time too. The working folder is cogpack's own, made 0755 by its copies, so nothing
    /// else of the destination's folders changes.
    private mutating func stagedCopy(_ actions: [Pb_FileAction], from source: LLBOutput?, on state: State,
                                     clamp: FileTimeClamp, name: String) throws -> State {
        var opInputs = OpInputs()
        let sourceIndex = opInputs.index(of: source)
        let base = opInputs.index(of: state.output)
        let count = Int64(opInputs.list.count)
        var chained: [Pb_FileAction] = []
        for (k, var action) in actions.enumerated() {
            // The first copy starts from scratch (-1); each later one from the copy before it.
            action.input = k == 0 ? -1 : count + Int64(k - 1)
            action.secondaryInput = sourceIndex
            action.output = -1
            chained.append(action)
        }
        var tree = Pb_FileActionCopy()
        tree.src = "/"
        tree.dest = "/"
        tree.mode = -1
        tree.timestamp = clamp.nanoseconds
        tree.dirCopyContents = true
        tree.createDestPath = true
        var last = Pb_FileAction()
        last.copy = tree
        last.input = base
        last.secondaryInput = count + Int64(actions.count - 1)
        last.output = 0
        chained.append(last)
        return try emitFileOp(chained, inputs: opInputs, on: state, name: name)
    }

    /// The FileOp of `chained` actions over `inputs`, added to the graph as the state's next output.
    private mutating func emitFileOp(_ chained: [Pb_FileAction], inputs: OpInputs, on state: State, name: String) throws -> State {
        var op = Pb_Op()
        var file = Pb_FileOp()
        file.actions = chained
        op.inputs = inputs.list
        op.file = file
        let digest = try graph.add(op, name: name, caps: ["file.base", "meta.description"])
        var next = state
        next.output = LLBOutput(digest: digest, index: 0)
        next.history.append(name)
        return next
    }

    private func chown(_ owner: String) throws -> Pb_ChownOpt {
        let parts = owner.split(separator: ":").map { UInt32($0) }
        guard parts.count == 2, let uid = parts[0], let gid = parts[1] else {
            throw BuildError.plan("owner '\(owner)' must be uid:gid in numbers")
        }
        var user = Pb_UserOpt()
        user.byID = uid
        var group = Pb_UserOpt()
        group.byID = gid
        var opt = Pb_ChownOpt()
        opt.user = user
        opt.group = group
        return opt
    }

    private mutating func exec(_ e: Plan.Operation.Exec, on state: State, in stage: Plan.Stage) throws -> State {
        var op = Pb_Op()
        var opInputs = OpInputs()
        var env = state.env.applying(e.env)
        var caps = ["exec.meta.base", "meta.description"]
        var mounts: [Pb_Mount] = []
        var root = Pb_Mount()
        root.input = opInputs.index(of: state.output)
        root.dest = "/"
        root.output = 0
        mounts.append(root)
        for m in e.mounts {
            var pm = Pb_Mount()
            pm.dest = m.target
            pm.output = -1
            switch m {
            case .cache(_, let id, let sharing):
                pm.input = -1
                pm.mountType = .cache
                var opt = Pb_CacheOpt()
                opt.id = id
                opt.sharing = switch sharing {
                case .shared: .shared
                case .locked: .locked
                case .private: .private
                }
                pm.cacheOpt = opt
                caps += ["exec.mount.cache", "exec.mount.cache.sharing"]
            case .input(let from, _, let path):
                pm.input = opInputs.index(of: try output(of: from))
                pm.readonly = true
                if path != "/" && !path.isEmpty {
                    pm.selector = path.hasPrefix("/") ? String(path.dropFirst()) : path
                    caps.append("exec.mount.selector")
                }
                caps.append("exec.mount.bind")
            case .secret(let id, _):
                pm.input = -1
                pm.mountType = .secret
                var opt = Pb_SecretOpt()
                opt.id = id
                opt.mode = 0o400
                opt.optional = !inputs.secrets.contains(id)
                pm.secretOpt = opt
                caps.append("exec.mount.secret")
            case .caBundle(let target):
                guard inputs.hasCABundle else { continue }
                pm.input = opInputs.index(of: try localSource(Self.caContext, includes: [], excludes: []))
                pm.selector = Self.caFile
                pm.readonly = true
                caps += ["exec.mount.bind", "exec.mount.selector"]
                env.apply(["SSL_CERT_FILE=\(target)", "REQUESTS_CA_BUNDLE=\(target)", "PIP_CERT=\(target)",
                           "CURL_CA_BUNDLE=\(target)", "UV_NATIVE_TLS=1"])
            case .tmpfs:
                pm.input = -1
                pm.mountType = .tmpfs
                caps.append("exec.mount.tmpfs")
            case .wheelhouse(let target):
                guard inputs.hasWheelhouse else { continue }
                pm.input = opInputs.index(of: try localSource(Self.wheelhouseContext, includes: [], excludes: []))
                pm.readonly = true
                caps.append("exec.mount.bind")
                env.apply(["UV_FIND_LINKS=\(target)", "PIP_FIND_LINKS=\(target)"])
            }
            mounts.append(pm)
        }
        var meta = Pb_Meta()
        meta.args = e.argv
        if let clamp, imageStages.contains(stage.id) {
            meta.args = clamp.wrap(e.argv, own: mounts.dropFirst().map(\.dest), writes: e.writes)
            env.apply(clamp.environment)
        }
        meta.env = env.array
        meta.cwd = e.workdir ?? stage.workdir ?? "/"
        var exec = Pb_ExecOp()
        exec.meta = meta
        exec.mounts = mounts
        if !e.network {
            exec.network = .none
            caps.append("exec.meta.network")
        }
        op.inputs = opInputs.list
        op.exec = exec
        let name = "[\(stage.id)] \(e.label)"
        let digest = try graph.add(op, name: name, caps: Array(Set(caps)).sorted())
        var next = state
        next.output = LLBOutput(digest: digest, index: 0)
        next.history.append("RUN \(e.label)")
        return next
    }

}

/// An op's inputs: each output once, referred to by its position.
struct OpInputs {
    private(set) var list: [Pb_Input] = []

    /// The position of `out` (added if new); -1 for scratch.
    mutating func index(of out: LLBOutput?) -> Int64 {
        guard let out else { return -1 }
        if let i = list.firstIndex(where: { $0.digest == out.digest && $0.index == out.index }) { return Int64(i) }
        var input = Pb_Input()
        input.digest = out.digest
        input.index = out.index
        list.append(input)
        return Int64(list.count - 1)
    }
}

import Resolver
import Rules

/// A self-contained piece of a build. Blocks are small value types; a stack runs them in order.
public protocol Block: Sendable {
    var name: String { get }
    /// Whether the block has anything to do for this project.
    func detect(_ input: BlockInput) -> Bool
    /// What the block needs resolved beyond the user's own requests.
    func requests(_ input: BlockInput) -> [Request]
    /// Adds the block's stages, contexts and export settings.
    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws
}

extension Block {
    public func requests(_ input: BlockInput) -> [Request] { [] }
}

/// What every block may read: the project, its files, and the rules data.
public struct BlockInput: Sendable {
    public let project: Project
    public let source: SourceInfo
    public let kb: KnowledgeBase
    /// The predictor's and trainer's signatures, read when a plan is made.
    public var signatures = ModelSignatures()
    /// The model's `cogpack.lock`, when the build installs from it (it fits the model and the
    /// resolution): the install blocks then install exactly its packages.
    public var lock: LockFile?
}

/// The resolution as blocks need it: typed values, never text to parse again.
public struct Resolved: Sendable {
    public let resolution: Resolution

    public var baseImage: BaseImage { resolution.baseImage }
    /// major.minor of the chosen Python, as uv and cog.yaml write it.
    public var python: String { resolution.python.truncated(to: 2).text }
    public var gpu: Bool { resolution.gpu }

    /// `torch==2.3.1`, … for every framework package the resolution chose: what nothing later may move.
    public func frameworkPins(_ kb: KnowledgeBase) -> [String] {
        resolution.packages.filter { kb.framework(of: $0.name) != nil }.map { "\($0.name)==\($0.version)" }
    }
}

/// Paths and cache ids the blocks agree on.
enum Layout {
    static let venv = "/venv"
    static let uvTool = "/opt/cogpack/uv"
    static var uv: String { uvTool + "/bin/uv" }
    static let pythonInstall = "/opt/cogpack/python"
    static let src = "/src"
    static let inputs = "/opt/cogpack/inputs"
    static let caBundle = "/etc/ssl/certs/cogpack-ca.pem"
    /// uv comes from its own stage, mounted read-only into the steps that use it, so that it is
    /// never part of the image.
    static let uvMount = Mount.input(.stage("uv"), target: uvTool, path: uvTool)
    static let uvCache = Mount.cache(target: "/root/.cache/uv", id: "cogpack-uv", sharing: .shared)
    static let pipCache = Mount.cache(target: "/root/.cache/pip", id: "cogpack-pip", sharing: .shared)
    static let aptCache = Mount.cache(target: "/var/cache/apt", id: "cogpack-apt-cache", sharing: .locked)
    static let aptLists = Mount.cache(target: "/var/lib/apt/lists", id: "cogpack-apt-lists", sharing: .locked)
    /// The `--wheelhouse` folder, when the build has one, for the steps that install packages
    /// with uv; last among a step's mounts.
    static let wheelhouse = Mount.wheelhouse(target: "/opt/cogpack/wheelhouse")
    /// uv's settings for every install: copy out of the cache mount (another file system), and use
    /// the Python the plan chose. No byte-code compilation at build time (as Cog): for a framework
    /// it costs several seconds per build, and Python compiles what a model imports anyway.
    static let uvEnv = ["UV_LINK_MODE=copy", "UV_PYTHON_DOWNLOADS=never", "UV_NO_PROGRESS=1"]
    /// Where a step that makes the venv or installs into it writes: the venv. uv's cache, the
    /// inputs and `/tmp` are mounts, never the layer's.
    static let venvWrites = [venv]
    /// `/tmp` for the steps that make the venv or install into it, out of the layer: uv builds
    /// source distributions there and leaves a lock file named by a random hash
    /// (`uv-setuptools-….lock`), which made every build's layer differ (seen with
    /// `docopt==0.6.2`, a package with no wheel). A cache on disk rather than a tmpfs, since
    /// building a CUDA extension can take gigabytes there; private, so builds at once each get
    /// their own.
    static let tmp = Mount.cache(target: "/tmp", id: "cogpack-tmp", sharing: .private)
}

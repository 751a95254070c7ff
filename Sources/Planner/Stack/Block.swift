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
}

/// The resolution as blocks need it: chosen values, and the base image they refer to.
public struct Resolved: Sendable {
    public let resolution: Resolution
    public let baseImage: BaseImage

    public func value(_ variable: String) -> String? { resolution.choice(variable)?.value }
    public func details(_ variable: String) -> [String: String] { resolution.choice(variable)?.details ?? [:] }

    /// major.minor of the chosen Python.
    public var python: String { value("python") ?? "3" }
    public var gpu: Bool { value("cuda") != nil }
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
}

import Rules

/// A constraint a user (or a block) asks for, with where it was written. The resolver can name a
/// request in a conflict and propose changing or dropping it.
public struct Request: Sendable {
    public enum Kind: Sendable {
        case gpu(Bool)
        case python(DottedVersion)
        /// A requirement on a package; `local` is a wheel variant label such as `cu118` or `cpu`;
        /// `extras` as written (`jax[cuda12]`).
        case package(name: String, spec: PEP440SpecifierSet, local: String?, extras: [String] = [])
        /// A line of a `-c` file: bounds the package when something brings it in, asks for nothing.
        case constraint(name: String, spec: PEP440SpecifierSet, local: String?)
        /// A package index or links page the requirements name. When the tables list it as the
        /// index of a wheel variant (download.pytorch.org/whl/cu118), the packages of those rows
        /// are that variant, as pip would find them there.
        case wheelIndex(String)
        /// Pre-releases of this package the package index published may be chosen too
        /// (`sdk_version: "prerelease"`, as `uv pip install --pre`).
        case prereleases(String)
        case cuda(DottedVersion)
        case cudnn(DottedVersion)
        /// A driver the image must run on (`--driver`); several mean a fleet.
        case driver(DottedVersion)
        /// A GPU architecture the image must run on (`--gpu sm_90`).
        case computeCapability(String)
        case systemPackages([String])
        /// A program a cog.yaml `run:` line calls (`curl` in `curl -L … | tar x`).
        case runCommand(String)
        /// An environment variable a `run:` line sets (`TORCH_CUDA_ARCH_LIST=8.6 pip …`).
        case runSets(String)
        /// A word among the arguments of a `run:` line's commands (`--no-build-isolation`).
        case runWord(String)
        /// A cog.yaml key the model sets (`concurrency.max`): rules may depend on it.
        case configKey(String)
        /// Only these base images can be used (those present in the engine or pullable). With
        /// `offline`, a Python cannot be downloaded either: the base image must ship it.
        case availableBaseImages([String], offline: Bool)
        /// Wheel index hosts that did not answer (download.pytorch.org): rows whose wheels only
        /// come from there cannot be installed; the package index's default wheel can.
        case unreachableIndexes(hosts: [String])
    }

    public let kind: Kind
    public let source: Provenance
    /// The request as written, e.g. `torch==2.3.1` or `cuda: "12.4"`.
    public let text: String
    /// True when the user wrote it (cog.yaml, requirements, flags) rather than a default.
    public let explicit: Bool

    public init(_ kind: Kind, source: Provenance, text: String, explicit: Bool = true) {
        self.kind = kind
        self.source = source
        self.text = text
        self.explicit = explicit
    }

    var packageName: String? {
        if case .package(let name, _, _, _) = kind { return name }
        return nil
    }
}

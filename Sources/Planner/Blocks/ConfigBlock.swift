import Foundation
import Resolver

/// The final image's config: tini as init, Cog's server as the command, /src, port 5000, the
/// predictor and trainer references, cog.yaml's environment, and labels that say what was built
/// and why (`run.cog.config`, `run.cog.version`, and the resolution record; the schema block sets
/// `run.cog.openapi_schema`).
struct ConfigBlock: Block {
    let name = "config"
    /// `${PATH}` is the base image's own PATH, expanded by the builder.
    static let pathEnv = ["PATH=\(Layout.venv)/bin:${PATH}", "VIRTUAL_ENV=\(Layout.venv)"]

    func detect(_ input: BlockInput) -> Bool { true }

    func plan(_ input: BlockInput, _ resolved: Resolved, _ composer: Composer) throws {
        let c = input.project.config
        var env = Self.pathEnv + ["PYTHONUNBUFFERED=1"]
        if let p = c.predict { env.append("COG_PREDICT_TYPE_STUB=\(p.value)") }
        if let t = c.train { env.append("COG_TRAIN_TYPE_STUB=\(t.value)") }
        if let m = c.concurrencyMax { env.append("COG_MAX_CONCURRENCY=\(m.value)") }
        env += c.environment.map(\.value)
        let sdk = try CogRuntimeBlock.version(resolved).description
        // Labels earlier blocks set (the OpenAPI schema) stay.
        let earlier = composer.export.labels
        composer.export = Plan.ExportConfig(
            entrypoint: ["/usr/bin/tini", "--"],
            cmd: ["python", "-m", "cog.server.http"],
            env: env,
            workingDir: Layout.src,
            user: nil,
            exposedPorts: ["5000/tcp"],
            labels: [
                "run.cog.config": try Self.completedConfig(input, resolved),
                "run.cog.version": sdk,
                "run.cog.has_init": "true",
                ResolutionLabel.key: try ResolutionLabel(resolution: resolved.resolution.explanation,
                                                         readWarnings: input.project.warnings.map(\.description)).text(),
            ].merging(earlier) { own, _ in own })
        // Which lock the environment was installed from, and its packages, for `cogpack diff`.
        if let lock = input.lock {
            composer.export.labels[LockFile.label] = lock.digest
            composer.export.labels[LockPackagesLabel.key] = LockPackagesLabel.text(lock)
            // The same lock, the same history times (docs/reproducibility.md).
            composer.export.fixedHistoryTime = true
        }
    }

    /// cog.yaml with what the resolution completed (python, cuda, cudnn), as Cog labels images.
    static func completedConfig(_ input: BlockInput, _ resolved: Resolved) throws -> String {
        let c = input.project.config
        var build: [String: Any] = ["gpu": resolved.gpu, "python_version": resolved.python]
        if let r = c.pythonRequirements { build["python_requirements"] = r.value }
        if !c.pythonPackages.isEmpty { build["python_packages"] = c.pythonPackages.map(\.value) }
        if let s = c.systemPackages { build["system_packages"] = s.value }
        if !c.run.isEmpty { build["run"] = c.run.map(\.command) }
        // Cog's `cuda` is the base image's toolkit; without one, the wheels' CUDA.
        if let cuda = resolved.resolution.cudaToolkit ?? resolved.resolution.cuda { build["cuda"] = cuda.text }
        if let cudnn = resolved.resolution.cudnn { build["cudnn"] = cudnn.text }
        if let sdk = c.sdkVersion { build["sdk_version"] = sdk.value }
        // The sentinel completed: the release it took.
        if c.sdkPrerelease != nil, let sdk = resolved.resolution.package(CogRuntimeBlock.package) { build["sdk_version"] = sdk.version.description }
        var config: [String: Any] = ["build": build]
        if let p = c.predict { config["predict"] = p.value }
        if let t = c.train { config["train"] = t.value }
        if let i = c.image { config["image"] = i.value }
        if let m = c.concurrencyMax { config["concurrency"] = ["max": m.value] }
        if !c.environment.isEmpty { config["environment"] = c.environment.map(\.value) }
        return try compactJSON(config)
    }

    static func compactJSON(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

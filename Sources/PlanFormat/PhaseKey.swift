/// The twelve phases a plan's stages fall into, in build order. Build phases make the base and
/// the Python environment; export phases add what goes on top of it in the final image (run
/// commands, weights, the source).
public enum PhaseKey: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case base = "build.00-base"
    case systemDeps = "build.01-system-deps"
    case runtime = "build.02-runtime"
    case frameworkDeps = "build.03-framework-deps"
    case appDeps = "build.04-app-deps"
    case appBuild = "build.05-app-build"
    case appSource = "build.06-app-source"
    case buildComplete = "build.99-complete"
    case exportBase = "export.00-base"
    case exportRuntime = "export.01-runtime"
    case exportApp = "export.02-app"
    case exportConfig = "export.03-config"

    public var isExport: Bool { rawValue.hasPrefix("export.") }

    public static func < (a: PhaseKey, b: PhaseKey) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

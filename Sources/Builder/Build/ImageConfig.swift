import Foundation
import PlanFormat

/// The OCI image config the exporter writes: the base image's config, with the plan's export
/// settings over it and one history entry per layer the build added. The exporter itself adds
/// nothing (no architecture, no PATH), so this is complete.
enum ImageConfig {
    static func merge(base: [String: Any], export: Plan.ExportConfig, platform: Plan.Platform, history: [String]) -> [String: Any] {
        var out = base
        out["architecture"] = (base["architecture"] as? String) ?? platform.arch
        out["os"] = (base["os"] as? String) ?? platform.os
        var config = (base["config"] as? [String: Any]) ?? [:]
        let baseEnv = (config["Env"] as? [String]) ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        config["Env"] = EnvList(baseEnv).applying(export.env).array
        if !export.entrypoint.isEmpty { config["Entrypoint"] = export.entrypoint }
        config["Cmd"] = export.cmd
        config["WorkingDir"] = export.workingDir
        if let user = export.user { config["User"] = user }
        var ports = (config["ExposedPorts"] as? [String: Any]) ?? [:]
        for p in export.exposedPorts { ports[p] = [String: Any]() }
        config["ExposedPorts"] = ports
        var labels = (config["Labels"] as? [String: String]) ?? [:]
        for (k, v) in export.labels { labels[k] = v }
        config["Labels"] = labels
        out["config"] = config
        var h = (base["history"] as? [[String: Any]]) ?? []
        // Without `created`, BuildKit's exporter writes the time each layer was made, which
        // differs on every cold build; the base's own time is fixed by the base image.
        let created = export.fixedHistoryTime == true ? base["created"] as? String : nil
        for entry in history {
            var item: [String: Any] = ["created_by": entry, "comment": "cogpack"]
            if let created { item["created"] = created }
            h.append(item)
        }
        out["history"] = h
        out.removeValue(forKey: "rootfs")
        return out
    }

    static func env(of config: [String: Any]) -> [String] {
        ((config["config"] as? [String: Any])?["Env"] as? [String]) ?? []
    }
}

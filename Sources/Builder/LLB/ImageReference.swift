/// Image names as the engine and BuildKit's `docker-image://` source need them: fully qualified
/// (`python:3.11-slim` → `docker.io/library/python:3.11-slim`).
enum ImageReference {
    static func qualified(_ ref: String) -> String {
        var name = ref
        var suffix = ""
        if let at = name.firstIndex(of: "@") {
            suffix = String(name[at...])
            name = String(name[..<at])
        } else if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            suffix = String(name[colon...])
            name = String(name[..<colon])
        } else {
            suffix = ":latest"
        }
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 1 { return "docker.io/library/\(name)\(suffix)" }
        let first = parts[0]
        if first.contains(".") || first.contains(":") || first == "localhost" { return name + suffix }
        return "docker.io/\(name)\(suffix)"
    }
}

import Builder
import Foundation
import Rules

/// The image a build is tagged with when no `-t` is given, as Cog names it (`cog build`,
/// `cog predict`): cog.yaml's `image:`, else `cog-` and the folder's name, lowercased, spaces as
/// dashes, every other character but letters, digits and dashes dropped, cut to 30 characters
/// in all, and without a second `cog-` when the folder's name starts with one. Unlike Cog, dashes
/// that would end the name are dropped and an empty name becomes `cog-model`, so the result is
/// always a valid image name.
enum DefaultImageName {
    static let prefix = "cog-"
    static let maxLength = 30

    /// cog.yaml's `image:` as the plan's `run.cog.config` label keeps it, else the folder's name.
    static func text(config: String?, folder: URL) -> String {
        if let config, let object = try? JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any],
           let image = object["image"] as? String, !image.isEmpty {
            return image
        }
        return fromFolder(folder.lastPathComponent)
    }

    static func fromFolder(_ folder: String) -> String {
        let kept = folder.lowercased().replacingOccurrences(of: " ", with: "-")
            .filter { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        var name = String(kept.prefix(maxLength - prefix.count))
        while name.hasSuffix("-") { name.removeLast() }
        if name.isEmpty { name = "model" }
        return name.hasPrefix(prefix) ? name : prefix + name
    }

    /// The name checked as `-t` would be; a bad `image:` names cog.yaml.
    static func reference(config: String?, folder: URL) throws -> ImageReference {
        let text = text(config: config, folder: folder)
        do {
            return try Flags.tag([text])
        } catch let e as InputError {
            throw InputError(Provenance(file: "cog.yaml", line: nil), "image: \(e.message.replacingOccurrences(of: "; write a name such as", with: "; give -t NAME, or write a name such as"))")
        }
    }
}

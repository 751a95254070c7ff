import Foundation

extension Plan {
    /// The label a build adds to its image: the plan it built, so that `cogpack explain` can
    /// show the stages of an image as `cogpack plan` showed them.
    public static let labelKey = "dev.cogpack.plan"

    /// The plan as the image keeps it: stages, image config, the resolution's warnings and facts.
    /// Left out: the contexts (the files they hold are in the image), the labels (the image has
    /// them), the resolution's choices (the resolution label has them with their explanation).
    public var labelRecord: Plan {
        var p = self
        p.contexts = [:]
        p.export.labels = [:]
        p.resolution.choices = [:]
        return p
    }

    /// `labelRecord` as one line of JSON with sorted keys: the same plan, the same label.
    public func labelText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(labelRecord), as: UTF8.self)
    }

    /// The plan of an image's label; nil when the label is not one this cogpack writes.
    public static func fromLabel(_ text: String) -> Plan? {
        guard let plan = try? JSONDecoder().decode(Plan.self, from: Data(text.utf8)), plan.format == currentFormat else { return nil }
        return plan
    }
}

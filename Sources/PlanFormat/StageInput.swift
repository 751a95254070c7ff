/// Where a stage starts, or where a copy or mount takes its files from. `auto` and `phase` exist
/// only while composing; a composed plan holds `stage`, `image`, `context` or `scratch`.
public enum StageInput: Sendable, Hashable, Codable {
    /// The stage before this one in plan order.
    case auto
    /// The last stage of a phase, walking back over empty phases.
    case phase(PhaseKey)
    case stage(String)
    /// An image reference as the catalog names it (`python:3.11-slim-bookworm`).
    case image(String)
    /// A named context of the plan (`context` is the model folder).
    case context(String)
    case scratch

    private enum Key: String, CodingKey { case type, phase, stage, image, context }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .auto: try c.encode("auto", forKey: .type)
        case .phase(let p): try c.encode("phase", forKey: .type); try c.encode(p, forKey: .phase)
        case .stage(let s): try c.encode("stage", forKey: .type); try c.encode(s, forKey: .stage)
        case .image(let i): try c.encode("image", forKey: .type); try c.encode(i, forKey: .image)
        case .context(let n): try c.encode("context", forKey: .type); try c.encode(n, forKey: .context)
        case .scratch: try c.encode("scratch", forKey: .type)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(String.self, forKey: .type) {
        case "auto": self = .auto
        case "phase": self = .phase(try c.decode(PhaseKey.self, forKey: .phase))
        case "stage": self = .stage(try c.decode(String.self, forKey: .stage))
        case "image": self = .image(try c.decode(String.self, forKey: .image))
        case "context": self = .context(try c.decode(String.self, forKey: .context))
        case "scratch": self = .scratch
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown input type '\(other)'")
        }
    }
}

import Yams

/// A value of a YAML or JSON document as the readers of `YAMLValue` see it: a scalar already
/// typed (its text as written, and what it is), a mapping or a list, each with the line it
/// starts on. YAML files are composed by Yams and converted once; JSON files are read straight
/// into these (`JSONDocument`), which is several times faster than going through libyaml.
public indirect enum DocumentNode: Sendable {
    case scalar(Scalar)
    case mapping([(key: DocumentNode, value: DocumentNode)], line: Int?)
    case sequence([DocumentNode], line: Int?)

    public struct Scalar: Sendable {
        /// As written: `3.10` stays "3.10".
        public let text: String
        public let kind: YAMLValue.Kind
        /// The value of a `bool` scalar, or of a `number` one as a whole number or as a number.
        public let bool: Bool?
        public let int: Int?
        public let double: Double?
        public let line: Int?
    }

    public var line: Int? {
        switch self {
        case .scalar(let s): return s.line
        case .mapping(_, let line), .sequence(_, let line): return line
        }
    }

    /// What Yams' default resolver makes of a plain scalar that starts with an ASCII letter,
    /// found without its regular expressions (the first use of which costs milliseconds, and
    /// every match some more): of its rules, only the bool and null words can match such a
    /// scalar, since every other one needs a digit, a sign, a dot, `<<`, `~` or `=` first.
    /// Nil for any other scalar: the resolver decides.
    static func kind(ofLetterScalar text: String) -> YAMLValue.Kind? {
        guard let first = text.utf8.first,
              (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return nil }
        switch text {
        case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF":
            return .bool
        case "null", "Null", "NULL":
            return .null
        default:
            return .string
        }
    }

    /// A node of Yams' composer. An alias reads as null, as before: the readers never follow one.
    init(_ node: Node) {
        switch node {
        case .mapping(let map):
            self = .mapping(map.map { (key: DocumentNode($0.key), value: DocumentNode($0.value)) }, line: map.mark?.line)
        case .sequence(let seq):
            self = .sequence(seq.map(DocumentNode.init), line: seq.mark?.line)
        case .alias(let alias):
            self = .scalar(Scalar(text: "", kind: .null, bool: nil, int: nil, double: nil, line: alias.mark?.line))
        case .scalar(let s):
            let kind: YAMLValue.Kind
            if s.style != .plain {
                kind = .string
            } else if let word = Self.kind(ofLetterScalar: s.string) {
                kind = word
                let lower = s.string.lowercased()
                self = .scalar(Scalar(text: s.string, kind: kind, bool: kind == .bool ? ["true", "yes", "on"].contains(lower) : nil,
                                      int: nil, double: nil, line: s.mark?.line))
                return
            } else {
                // The resolved tag, e.g. "tag:yaml.org,2002:int".
                switch node.tag.description {
                case Tag.Name.bool.rawValue: kind = .bool
                case Tag.Name.int.rawValue, Tag.Name.float.rawValue: kind = .number
                case Tag.Name.null.rawValue: kind = .null
                default: kind = .string
                }
            }
            self = .scalar(Scalar(text: s.string, kind: kind, bool: kind == .bool ? node.bool : nil,
                                  int: kind == .number ? node.int : nil, double: kind == .number ? node.float : nil, line: s.mark?.line))
        }
    }
}

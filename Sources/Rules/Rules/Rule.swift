/// A rule of `rules/*.yaml`: an id, a sentence for people, a condition, and what it asks for.
public struct Rule: Sendable {
    public enum Consequence: Sendable {
        /// apt packages the image needs.
        case apt([String])
        /// Another package must be at a version in this set.
        case pin(package: String, version: PEP440SpecifierSet)
        /// The Python must be in this range.
        case python(PEP440SpecifierSet)
        /// The base image must carry a CUDA toolkit matching the chosen CUDA.
        case needsToolkit
        /// Which driver floor applies.
        case driverFloor(DriverFloor)
        /// Code compiled at build time against the image's toolkit and the wheels: the image needs
        /// a toolkit, and its CUDA major must be the wheels' (torch refuses to build an extension
        /// otherwise).
        case toolkitMatchesWheelsMajor
        /// A default, not a constraint: the objective of `variable` picks the allowed value
        /// nearest `value` instead of its own preference.
        case prefer(variable: ResolverVariable, value: DottedVersion)
    }

    public enum DriverFloor: String, Sendable { case compat, toolkit }

    public let id: String
    public let message: String
    public let when: Condition
    public let consequence: Consequence
    public let source: Provenance
}

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
    }

    public enum DriverFloor: String, Sendable { case compat, toolkit }

    public let id: String
    public let message: String
    public let when: Condition
    public let consequence: Consequence
    public let source: Provenance
}

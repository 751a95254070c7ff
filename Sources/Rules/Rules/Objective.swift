/// One step of the lexicographic optimization: which variable, and which end of its domain wins.
public struct Objective: Sendable {
    public enum Preference: String, Sendable { case newest, oldest, smallest }
    public let id: String
    public let variable: ResolverVariable
    public let prefer: Preference
    public let message: String
    /// When this variable is settled (a request fixes it, or an earlier objective chose it), the
    /// value nearest it wins instead: the same major first, then the nearest minor.
    public let near: ResolverVariable?
    public let source: Provenance

    public init(id: String, variable: ResolverVariable, prefer: Preference, message: String, near: ResolverVariable? = nil,
                source: Provenance) {
        self.id = id
        self.variable = variable
        self.prefer = prefer
        self.message = message
        self.near = near
        self.source = source
    }
}

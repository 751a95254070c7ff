/// One step of the lexicographic optimization: which variable, and which end of its domain wins.
public struct Objective: Sendable {
    public enum Preference: String, Sendable { case newest, oldest, smallest }
    public let id: String
    public let variable: ResolverVariable
    public let prefer: Preference
    public let message: String
    public let source: Provenance

    public init(id: String, variable: ResolverVariable, prefer: Preference, message: String, source: Provenance) {
        self.id = id
        self.variable = variable
        self.prefer = prefer
        self.message = message
        self.source = source
    }
}

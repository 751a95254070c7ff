import Rules

/// A mistyped command (`cogpack biuld`) is named with the nearest command, as git and Cog do.
enum CommandSuggestion {
    /// When the first word is not a command: the one-line usage error, exit 2.
    static func reportIfMistyped(_ arguments: [String], commands: [String]) {
        if let message = message(arguments: arguments, commands: commands + ["help"]) {
            Failure.report(InputError(.flag("usage"), message), json: arguments.contains("--json"))
        }
    }

    /// The message for arguments whose first word is not a command; nil when it is one (or is a flag).
    static func message(arguments: [String], commands: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !commands.contains(word) else { return nil }
        let list = commands.joined(separator: ", ")
        guard let near = nearest(word, among: commands) else {
            return "\(Quote.value(word)) is not a cogpack command; the commands are \(list)"
        }
        return "\(Quote.value(word)) is not a cogpack command; did you mean '\(near)'?"
    }

    /// The command within two edits (a swap of neighbours is one) and nearer than half its
    /// length, the first of the nearest in the order given.
    static func nearest(_ word: String, among commands: [String]) -> String? {
        let typed = Array(word.lowercased())
        var best: (name: String, distance: Int)?
        for name in commands {
            let d = distance(typed, Array(name))
            guard d <= 2, d * 2 < name.count else { continue }
            if best.map({ d < $0.distance }) ?? true { best = (name, d) }
        }
        return best?.name
    }

    /// Edit distance with transpositions (optimal string alignment).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

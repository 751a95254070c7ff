import Foundation

/// Writes to the terminal or pipe we were given. A reader that went away (`cogpack build | head`)
/// is not an error of the build: the write is dropped, where `FileHandle.write(_: Data)` traps.
enum Console {
    /// A message on standard error, one line per line of `text`, with every other control
    /// character escaped so that a CR or ESC in a value cannot hide what is said.
    static func error(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Quote.escaped(String($0)) }
        write(Data((lines.joined(separator: "\n") + "\n").utf8), to: .standardError)
    }

    static func output(_ data: Data) { write(data, to: .standardOutput) }

    private static func write(_ data: Data, to handle: FileHandle) {
        try? handle.write(contentsOf: data)
    }
}

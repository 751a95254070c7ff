import Foundation

/// A `text/event-stream` body read as it comes: lines of `field: value`, an event at each blank
/// line (its `event:` name, `message` when none, and its `data:` lines joined by newlines).
/// Parts of the stream may split a line anywhere, even inside a UTF-8 character.
public struct ServerSentEvents: Sendable {
    public struct Event: Equatable, Sendable {
        public let name: String
        public let data: String

        public init(name: String, data: String) {
            self.name = name
            self.data = data
        }
    }

    private var pending = Data()
    private var name = ""
    private var data: [String] = []

    public init() {}

    /// The events that `bytes` completes.
    public mutating func feed(_ bytes: Data) -> [Event] {
        pending.append(bytes)
        var events: [Event] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = Data(pending[pending.startIndex..<newline])
            pending.removeSubrange(pending.startIndex...newline)
            if line.last == 0x0D { line.removeLast() }
            let text = String(decoding: line, as: UTF8.self)
            if text.isEmpty {
                if !data.isEmpty { events.append(Event(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"))) }
                name = ""
                data = []
                continue
            }
            if text.hasPrefix(":") { continue }  // a comment (keep-alive)
            let field: Substring, value: Substring
            if let colon = text.firstIndex(of: ":") {
                field = text[..<colon]
                var v = text[text.index(after: colon)...]
                if v.first == " " { v = v.dropFirst() }
                value = v
            } else {
                field = Substring(text)
                value = ""
            }
            switch field {
            case "event": name = String(value)
            case "data": data.append(String(value))
            default: break  // id, retry
            }
        }
        return events
    }
}

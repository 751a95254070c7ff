import Basics
import Foundation

/// Shows a push as the build's progress is shown (`--progress`): a live view of every layer on
/// a terminal, one line per change of a layer for logs, one JSON object per event for tools, or
/// nothing. Events come on an event loop and the clock ticks from a task: state sits behind `lock`.
public final class PushProgressView: @unchecked Sendable {
    private enum View { case tty, plain, json, quiet }

    private struct Layer {
        var state: PushEvent.LayerState = .preparing
        var current: Int64 = 0
        var total: Int64?
        var started: Date?
        var ended: Date?
        var lastJSON = Date.distantPast
    }

    private let view: View
    private let lock = NSLock()
    private var layers: [String: Layer] = [:]
    private var order: [String] = []
    private var repository = ""
    private var ttyLines = 0
    private let start = Date()
    private let out = FileHandle.standardError
    /// How often a layer's byte count is written as JSON while it is sent.
    static let jsonInterval: TimeInterval = 0.5

    public init(mode: ProgressMode, quiet: Bool = false) {
        if quiet {
            view = .quiet
        } else {
            let resolved = mode.resolved
            view = resolved == .tty ? .tty : resolved == .json ? .json : .plain
        }
    }

    /// The live view redraws on a clock, so that a slow layer's numbers keep moving.
    public var ticks: Bool { view == .tty }

    public func tick() {
        lock.withLock { if view == .tty { redraw() } }
    }

    public func handle(_ event: PushEvent) {
        lock.withLock {
            switch event {
            case .repository(let name):
                repository = name
                if view == .plain { write("push \(name)\n") }
                if view == .json { json(["event": "push", "repository": name]) }
            case .layer(let id, let state):
                update(id, state)
            case .manifest(let tag, let digest, let size):
                if view == .plain { write("manifest \(tag) \(digest) (\(size) bytes)\n") }
                if view == .json { json(["event": "manifest", "tag": tag, "digest": digest, "size": size]) }
            }
            if view == .tty { redraw() }
        }
    }

    private func update(_ id: String, _ state: PushEvent.LayerState) {
        var layer = layers[id] ?? Layer()
        if layers[id] == nil { order.append(id) }
        let before = layer.state
        layer.state = state
        if case .pushing(let current, let total) = state {
            if layer.started == nil { layer.started = Date() }
            layer.current = max(layer.current, current)
            if let total { layer.total = total }
        }
        let done = Self.isDone(state)
        if done, layer.ended == nil { layer.ended = Date() }
        let changed = Self.kind(before) != Self.kind(state) || layers[id] == nil
        switch view {
        case .plain where changed:
            write("\(id) \(describe(layer))\n")
        case .json:
            var object: [String: Any] = ["event": "layer", "layer": id, "status": Self.kind(state)]
            if case .pushing = state {
                // Every change of state, and the bytes at most every `jsonInterval` meanwhile.
                guard changed || Date().timeIntervalSince(layer.lastJSON) >= Self.jsonInterval else { break }
                object["current"] = layer.current
                layer.lastJSON = Date()
            }
            if let total = layer.total { object["total"] = total }
            if done { object["bytes"] = layer.current }
            if case .mounted(let from) = state { object["from"] = from }
            if case .other(let text) = state { object["text"] = text }
            json(object)
        default:
            break
        }
        layers[id] = layer
    }

    private static func isDone(_ s: PushEvent.LayerState) -> Bool {
        switch s {
        case .pushed, .exists, .mounted: true
        default: false
        }
    }

    /// The state's word in the JSON stream.
    static func kind(_ s: PushEvent.LayerState) -> String {
        switch s {
        case .preparing: "preparing"
        case .waiting: "waiting"
        case .pushing: "pushing"
        case .pushed: "pushed"
        case .exists: "exists"
        case .mounted: "mounted"
        case .other: "other"
        }
    }

    private func describe(_ l: Layer) -> String {
        switch l.state {
        case .preparing: return "preparing"
        case .waiting: return "waiting"
        case .pushing: return "pushing" + (l.total.map { " \(ByteCount.text($0))" } ?? "")
        case .pushed:
            let time = l.started.map { String(format: " in %.1fs", (l.ended ?? Date()).timeIntervalSince($0)) } ?? ""
            return "pushed \(ByteCount.text(l.current))\(time)"
        case .exists: return "already in the registry"
        case .mounted(let from): return "mounted from \(from)"
        case .other(let text): return text
        }
    }

    /// A reader that went away drops the output; `write(_: Data)` would trap.
    private func write(_ text: String) { try? out.write(contentsOf: Data(text.utf8)) }

    private func json(_ object: [String: Any]) {
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
            write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    /// Every layer with its state and bytes, redrawn in place.
    private func redraw() {
        var lines: [String] = []
        for id in order {
            guard let l = layers[id] else { continue }
            var line = "\(id) \(describe(l))"
            if case .pushing = l.state, let total = l.total, total > 0 {
                line = "\(id) pushing \(ByteCount.text(l.current)) / \(ByteCount.text(total)) (\(Int(Double(l.current) * 100 / Double(total)))%)"
            }
            lines.append(line)
        }
        lines.append(String(format: "pushing %@ for %.1fs", repository, Date().timeIntervalSince(start)))
        var text = ""
        if ttyLines > 0 { text += "\u{1B}[\(ttyLines)A\u{1B}[J" }
        text += lines.joined(separator: "\n") + "\n"
        ttyLines = lines.count
        write(text)
    }
}

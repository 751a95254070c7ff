import Foundation

/// How progress is shown: a live view on a terminal, plain lines for logs and CI, one JSON
/// object per event for tools, or nothing (`quiet`: the command prints the image ID at the end).
public enum ProgressMode: String, CaseIterable, Sendable {
    case auto, tty, plain, json, quiet

    var resolved: ProgressMode {
        guard self == .auto else { return self }
        return isatty(2) != 0 ? .tty : .plain
    }
}

/// Follows BuildKit's status stream: steps with their start, end, cache state and logs. Keeps
/// the last log lines of every step, so that a failure can show them. The status task, the
/// clock and the build read and write it: every access to its state holds `lock`.
final class ProgressTracker: @unchecked Sendable {
    struct Step {
        var name: String
        var number: Int
        var started: Date?
        var completed: Date?
        var cached = false
        var error = ""
        var log: [String] = []
        var partial = ""
    }

    private let mode: ProgressMode
    private let lock = NSLock()
    private var steps: [String: Step] = [:]
    private var order: [String] = []
    private var ttyLines = 0
    private let out = FileHandle.standardError
    private let start = Date()

    init(mode: ProgressMode) { self.mode = mode.resolved }

    func handle(_ response: Moby_Buildkit_V1_StatusResponse) {
        lock.lock()
        defer { lock.unlock() }
        for v in response.vertexes {
            var step = steps[v.digest] ?? Step(name: v.name, number: order.count + 1)
            if steps[v.digest] == nil { order.append(v.digest) }
            let wasStarted = step.started != nil, wasDone = step.completed != nil
            step.name = v.name
            if v.hasStarted { step.started = date(v.started) }
            if v.hasCompleted { step.completed = date(v.completed) }
            step.cached = v.cached
            step.error = v.error
            steps[v.digest] = step
            if !wasStarted, step.started != nil { event(step, "start") }
            if !wasDone, step.completed != nil { event(step, step.error.isEmpty ? (step.cached ? "cached" : "done") : "error") }
        }
        for l in response.logs {
            guard var step = steps[l.vertex] else { continue }
            let text = step.partial + String(decoding: l.msg, as: UTF8.self)
            var lines = text.components(separatedBy: "\n")
            step.partial = lines.removeLast()
            for line in lines {
                step.log.append(line)
                if step.log.count > 200 { step.log.removeFirst(step.log.count - 200) }
                logLine(step, line)
            }
            steps[l.vertex] = step
        }
        if mode == .tty { redraw() }
    }

    /// The live view redraws on a clock too, so that a silent step's time keeps moving.
    var ticks: Bool { mode == .tty }

    func tick() {
        lock.lock()
        defer { lock.unlock() }
        if mode == .tty { redraw() }
    }

    private func date(_ t: SwiftProtobuf.Google_Protobuf_Timestamp) -> Date {
        Date(timeIntervalSince1970: TimeInterval(t.seconds) + TimeInterval(t.nanos) / 1e9)
    }

    private func elapsed(_ s: Step) -> String {
        guard let a = s.started else { return "" }
        return String(format: "%.1fs", (s.completed ?? Date()).timeIntervalSince(a))
    }

    /// A reader that went away drops the output; `write(_: Data)` would trap.
    private func write(_ text: String) { try? out.write(contentsOf: Data(text.utf8)) }

    private func event(_ step: Step, _ kind: String) {
        switch mode {
        case .plain:
            switch kind {
            case "start": write("#\(step.number) \(step.name)\n")
            case "cached": write("#\(step.number) CACHED\n")
            case "done": write("#\(step.number) DONE \(elapsed(step))\n")
            default: write("#\(step.number) ERROR \(step.error)\n")
            }
        case .json:
            var obj: [String: Any] = ["event": kind, "step": step.number, "name": step.name]
            // Milliseconds: the engine's own timestamps, precise enough for benchmarks.
            if kind != "start", let a = step.started {
                obj["seconds"] = (((step.completed ?? Date()).timeIntervalSince(a)) * 1000).rounded() / 1000
            }
            if !step.error.isEmpty { obj["error"] = step.error }
            json(obj)
        default: break
        }
    }

    private func logLine(_ step: Step, _ line: String) {
        switch mode {
        case .plain: write("#\(step.number) \(line)\n")
        case .json: json(["event": "log", "step": step.number, "line": line])
        default: break
        }
    }

    private func json(_ obj: [String: Any]) {
        if let data = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes]) {
            write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    /// The live view: finished steps once, then the running ones with their elapsed time and
    /// their last log lines, redrawn in place.
    private func redraw() {
        var lines: [String] = []
        for d in order {
            guard let s = steps[d], s.started != nil else { continue }
            let state = s.completed == nil ? "…" : (s.error.isEmpty ? (s.cached ? "CACHED" : "done") : "ERROR")
            lines.append(String(format: "[%3d] %@ %@ %@", s.number, s.name.prefix(90).description, state, elapsed(s)))
            if s.completed == nil { lines += s.log.suffix(3).map { "      " + $0.prefix(100) } }
        }
        lines.append(String(format: "building for %.1fs", Date().timeIntervalSince(start)))
        var text = ""
        if ttyLines > 0 { text += "\u{1B}[\(ttyLines)A\u{1B}[J" }
        text += lines.joined(separator: "\n") + "\n"
        ttyLines = lines.count
        write(text)
    }

    /// The step that failed, with its last 20 log lines.
    func failure() -> (name: String, error: String, log: [String])? {
        lock.lock()
        defer { lock.unlock() }
        for d in order {
            guard let s = steps[d], !s.error.isEmpty else { continue }
            let log = (s.log + (s.partial.isEmpty ? [] : [s.partial])).suffix(20)
            return (s.name, s.error, Array(log))
        }
        return nil
    }

    var summary: (total: Int, cached: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (steps.count, steps.values.filter(\.cached).count)
    }
}

import SwiftProtobuf

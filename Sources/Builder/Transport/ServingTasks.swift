import Synchronization

/// Every task that may touch a connection of one build: the handlers serving BuildKit's calls,
/// the tunnel's pumps, the cancel path. The event loops may shut down only after all of them
/// have ended; a task that touched a channel of a shut-down loop is what made SwiftNIO print
/// "Cannot schedule tasks on an EventLoop that has already shut down".
final class ServingTasks: Sendable {
    private struct State {
        var closing = false
        var next = 0
        var running: [Int: Task<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Starts `operation` unless shutdown has begun (then it never runs: nothing may touch the
    /// connections any more). Returns whether it started.
    @discardableResult
    func spawn(_ operation: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { s in
            guard !s.closing else { return false }
            let id = s.next
            s.next += 1
            s.running[id] = Task {
                await operation()
                self.state.withLock { _ = $0.running.removeValue(forKey: id) }
            }
            return true
        }
    }

    /// Refuses new tasks, cancels the running ones and waits until each has returned.
    func drain() async {
        let tasks = state.withLock { s in
            s.closing = true
            return Array(s.running.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}

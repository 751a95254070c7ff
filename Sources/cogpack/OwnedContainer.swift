import Builder
import Foundation

/// A container this command started and removes when it ends, however it ends: at the end, on an
/// error, or on Ctrl-C, once, by whichever comes first.
final class OwnedContainer: @unchecked Sendable {
    let engine: EngineAPI
    let id: String
    private let lock = NSLock()
    private var removed = false
    private var stopping = false

    init(engine: EngineAPI, id: String) {
        self.engine = engine
        self.id = id
    }

    /// Whether Ctrl-C is removing the container.
    private var interrupted: Bool { lock.withLock { stopping } }

    /// When Ctrl-C is removing the container, waits for its handler to end the process (exit
    /// 130), so that what failed because the container went away is not reported as a failure.
    func yieldToInterrupt() async {
        if interrupted { try? await Task.sleep(nanoseconds: 60_000_000_000) }
    }

    /// Removes the container once (later calls do nothing).
    func remove() async {
        let first = lock.withLock { () -> Bool in
            defer { removed = true }
            return !removed
        }
        guard first else { return }
        try? await engine.removeContainer(id)
    }

    /// Ctrl-C removes the container (`what` in the message) and exits 130; with `stopFirst`, its
    /// program gets SIGTERM and two seconds to end before that.
    func removeOnInterrupt(_ what: String, stopFirst: Bool) -> DispatchSourceSignal {
        Interrupt.handle { [self] in
            lock.withLock { stopping = true }
            Task {
                Console.error("\ninterrupted: removing \(what)")
                if stopFirst { try? await self.engine.stopContainer(self.id, seconds: 2) }
                await self.remove()
                Foundation.exit(130)
            }
        }
    }
}

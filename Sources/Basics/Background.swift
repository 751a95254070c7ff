import Foundation

/// A value worked out on another thread, started at once; `value` waits for it. For work a
/// command can overlap with its own: the model's git labels while it plans, the solver's
/// context while the rules load.
public final class Background<T: Sendable>: @unchecked Sendable {
    // Written by the working thread before `done` is signalled, read after it.
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    public init(_ work: @escaping @Sendable () -> T) {
        Thread.detachNewThread { [self] in
            result = work()
            done.signal()
        }
    }

    public var value: T {
        done.wait()
        done.signal()
        return result!
    }
}

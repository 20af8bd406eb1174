import Foundation
import Synchronization

/// Wakes an idle loop early: the scheduler and the ledger inbox signal it after they enqueue,
/// so the dispatcher can sleep until its next due row instead of polling.
public final class WakeSignal: Sendable {
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    public init() {}

    /// Whether a signal waits for the next `wait()` (no waiter took it yet).
    public var isPending: Bool { state.withLock { $0.pending } }

    /// Wakes the waiter now, or the next one to wait.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at once if signalled since the last wait, else at the next `signal()`. One waiter
    /// at a time: a second one replaces (and resumes) the first.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                if let old = state.waiter { old.resume() }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Returns after `signal()`, after `timeout` (real time), or on cancellation, whichever is first.
    public func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                await withTaskCancellationHandler {
                    await wait()
                } onCancel: { [self] in
                    signalWaiterOnly()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Resumes a current waiter without leaving a pending signal (used on cancellation).
    private func signalWaiterOnly() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

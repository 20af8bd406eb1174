import FafangCore
import Synchronization

/// A request handed to the engine thread, with the continuation its caller waits on.
/// Whoever removes a job from the mailbox or the loop's active list resumes it, exactly once.
struct CurlJob: Sendable {
    let id: UInt64
    let request: HTTPRequest
    let continuation: CheckedContinuation<HTTPOutcome, Never>

    func resume(_ outcome: HTTPOutcome) { continuation.resume(returning: outcome) }
    func fail(_ error: TransportError) { continuation.resume(returning: HTTPOutcome(result: .failure(error))) }
}

/// Whether the engine runs, finishes what it holds until a deadline, or stops at once.
enum CurlEnginePhase: Sendable, Equatable {
    case running
    case draining(deadline: ContinuousClock.Instant)
    case aborting
}

/// What the engine thread takes from the mailbox on each turn of its loop.
struct CurlEngineTurn {
    var phase: CurlEnginePhase
    /// Jobs still queued after this turn's were taken.
    var queued: Int
}

/// Everything the callers and the engine thread share, behind one `Mutex`: the queue of jobs
/// not yet started, the ids of jobs whose callers were cancelled, the phase, and whether the
/// thread is (about to be) asleep in `curl_multi_poll`, so that a caller wakes it only then.
final class CurlEngineMailbox: Sendable {
    private struct State {
        var queue: [CurlJob] = []
        var queueHead = 0
        var cancels: [UInt64] = []
        var phase = CurlEnginePhase.running
        var polling = false
        var stopped = false
        /// Why the engine stopped when it was not asked to (its multi handle failed).
        var stopReason: TransportError?
        var stopWaiters: [CheckedContinuation<Void, Never>] = []

        var queuedCount: Int { queue.count - queueHead }

        /// True when the thread must be woken (it polls); clears the flag so only one caller does.
        mutating func claimWakeup() -> Bool {
            guard polling else { return false }
            polling = false
            return true
        }
    }

    private let state = Mutex(State())
    private let nextID = Atomic<UInt64>(1)
    let multi: CurlMultiHandle
    let transfersCompleted = Atomic<Int>(0)
    let connectionsOpened = Atomic<Int>(0)

    init(multi: CurlMultiHandle) {
        self.multi = multi
    }

    func makeID() -> UInt64 {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    // MARK: - Callers

    /// Queues `job`, or answers it at once when the engine is stopping or its task is cancelled.
    func enqueue(_ job: CurlJob) {
        var refusal: TransportError?
        let wake = state.withLock { state -> Bool in
            if state.phase != .running || state.stopped {
                refusal = state.stopReason ?? .engineShutDown
                return false
            }
            // Checked under the lock that `cancel` takes: either `cancel` finds the job queued,
            // or the task's cancelled flag (set before its handler runs) is already visible here.
            if Task.isCancelled {
                refusal = .cancelledByCaller
                return false
            }
            state.queue.append(job)
            return state.claimWakeup()
        }
        if let refusal { job.fail(refusal) }
        if wake { multi.wakeup() }
    }

    /// The caller of job `id` was cancelled: answer it now if it is still queued, else ask the
    /// engine thread to remove its transfer (ids of finished jobs are ignored there).
    func cancel(_ id: UInt64) {
        var removed: CurlJob?
        let wake = state.withLock { state -> Bool in
            if let index = state.queue[state.queueHead...].firstIndex(where: { $0.id == id }) {
                removed = state.queue.remove(at: index)
                return false
            }
            if state.stopped { return false }
            state.cancels.append(id)
            return state.claimWakeup()
        }
        removed?.fail(.cancelledByCaller)
        if wake { multi.wakeup() }
    }

    /// Stops taking jobs; the engine thread drains or aborts. Aborting overrides draining.
    func requestStop(_ phase: CurlEnginePhase) {
        state.withLock { state in
            switch (state.phase, phase) {
            case (.running, _), (.draining, .aborting): state.phase = phase
            default: break
            }
            state.polling = false
        }
        multi.wakeup()
    }

    /// Returns when the engine thread has exited and every job has been answered.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.stopped { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: - The engine thread

    /// Moves up to `capacity` queued jobs into `jobs`, and pending cancellations into `cancels`.
    func take(into jobs: inout [CurlJob], cancels: inout [UInt64], capacity: Int) -> CurlEngineTurn {
        state.withLock { state in
            state.polling = false
            let count = min(max(capacity, 0), state.queuedCount)
            if count > 0 {
                jobs.append(contentsOf: state.queue[state.queueHead..<(state.queueHead + count)])
                state.queueHead += count
                if state.queueHead == state.queue.count {
                    state.queue.removeAll(keepingCapacity: true)
                    state.queueHead = 0
                } else if state.queueHead > 1024 && state.queueHead * 2 > state.queue.count {
                    state.queue.removeFirst(state.queueHead)
                    state.queueHead = 0
                }
            }
            if !state.cancels.isEmpty { swap(&cancels, &state.cancels) }
            return CurlEngineTurn(phase: state.phase, queued: state.queuedCount)
        }
    }

    /// True when the thread may block in `curl_multi_poll`: nothing it could act on is waiting
    /// and the phase is still `seen`. From then on a caller with work wakes it.
    func prepareToPoll(capacity: Int, seen: CurlEnginePhase) -> Bool {
        state.withLock { state in
            if (capacity > 0 && state.queuedCount > 0) || !state.cancels.isEmpty || state.phase != seen {
                return false
            }
            state.polling = true
            return true
        }
    }

    /// The engine thread is gone: answers what is still queued (with `reason` when the engine
    /// broke down, else as aborted by shutdown) and wakes `waitUntilStopped`.
    func markStopped(reason: TransportError?) {
        let (leftovers, waiters) = state.withLock { state in
            state.stopped = true
            state.stopReason = reason
            state.polling = false
            let leftovers = Array(state.queue[state.queueHead...])
            state.queue = []
            state.queueHead = 0
            state.cancels = []
            let waiters = state.stopWaiters
            state.stopWaiters = []
            return (leftovers, waiters)
        }
        for job in leftovers { job.fail(reason ?? .abortedByShutdown) }
        for waiter in waiters { waiter.resume() }
    }
}

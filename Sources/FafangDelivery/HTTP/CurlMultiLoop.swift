import CCurl
import FafangCore

/// The engine thread's loop: takes queued jobs up to the concurrency cap, drives them with
/// `curl_multi_perform` / `curl_multi_info_read`, sleeps in `curl_multi_poll` until a socket,
/// a curl timer or a caller's `curl_multi_wakeup` needs it, and answers every job it took.
///
/// `@unchecked Sendable` without a lock: the loop is confined to the engine thread. It is
/// built on the caller's thread, handed once to the `Thread` that runs `run()`, and touched only
/// there afterwards; what it shares with callers lives in `CurlEngineMailbox` behind its Mutex.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: CurlMultiHandle
    private let mailbox: CurlEngineMailbox
    private let settings: HTTPEngineSettings
    private let capacity: Int
    /// Transfers in the multi handle; each knows its index here.
    private var active: [CurlTransfer] = []
    /// Handles ready for reuse (at most `capacity` are ever made).
    private var idle: [CurlTransfer] = []
    private var jobs: [CurlJob] = []
    private var cancels: [UInt64] = []
    /// Set when `curl_multi_perform` or `curl_multi_poll` failed: the multi handle cannot be
    /// trusted any more, so the engine stops and answers everyone with this error.
    private var brokenBy: TransportError?
    /// Outcomes of this turn's completions, handed back together (see `deliver`).
    private var finished: [(CurlJob, HTTPOutcome)] = []

    init(multi: CurlMultiHandle, mailbox: CurlEngineMailbox, settings: HTTPEngineSettings) {
        self.multi = multi
        self.mailbox = mailbox
        self.settings = settings
        self.capacity = max(1, settings.maxConcurrentTransfers)
        active.reserveCapacity(capacity)
        idle.reserveCapacity(capacity)
    }

    /// Runs until the engine stops, then answers what remains and releases every easy handle.
    func run() {
        while turn() {}
        abortAll(brokenBy ?? .abortedByShutdown)
        idle.removeAll()
        mailbox.markStopped(reason: brokenBy)
    }

    /// One pass of the loop; false when it is time to stop.
    private func turn() -> Bool {
        let turn = mailbox.take(into: &jobs, cancels: &cancels, capacity: capacity - active.count)
        for job in jobs { start(job) }
        jobs.removeAll(keepingCapacity: true)
        for id in cancels { cancel(id) }
        cancels.removeAll(keepingCapacity: true)

        var pollMilliseconds: Int32 = 1_000
        switch turn.phase {
        case .running:
            break
        case .aborting:
            return false
        case let .draining(deadline):
            if active.isEmpty && turn.queued == 0 { return false }
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { return false }
            let milliseconds = left.components.seconds * 1_000 + left.components.attoseconds / 1_000_000_000_000_000
            pollMilliseconds = Int32(clamping: max(1, min(Int64(pollMilliseconds), milliseconds)))
        }

        if !active.isEmpty {
            var running: Int32 = 0
            let code = curl_multi_perform(multi.pointer, &running)
            if code != CURLM_OK {
                brokenBy = .curlMulti(code, call: "curl_multi_perform")
                return false
            }
            readCompletions()
            deliver()
        }

        // Draining and nothing left running: go round at once to see whether the queue is empty too.
        if case .draining = turn.phase, active.isEmpty { return true }
        if mailbox.prepareToPoll(capacity: capacity - active.count, seen: turn.phase) {
            let code = curl_multi_poll(multi.pointer, nil, 0, pollMilliseconds, nil)
            if code != CURLM_OK {
                brokenBy = .curlMulti(code, call: "curl_multi_poll")
                return false
            }
        }
        return true
    }

    private func start(_ job: CurlJob) {
        let transfer: CurlTransfer
        if let reused = idle.popLast() {
            transfer = reused
        } else {
            do {
                transfer = try CurlTransfer(settings: settings)
            } catch {
                job.fail(error)
                return
            }
        }
        do {
            try transfer.prepare(job, settings: settings)
        } catch {
            transfer.recycle()
            idle.append(transfer)
            job.fail(error)
            return
        }
        let code = curl_multi_add_handle(multi.pointer, transfer.easy)
        guard code == CURLM_OK else {
            transfer.recycle()
            idle.append(transfer)
            job.fail(.curlMulti(code, call: "curl_multi_add_handle"))
            return
        }
        transfer.activeIndex = active.count
        active.append(transfer)
    }

    private func readCompletions() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi.pointer, &left) {
            var easy: UnsafeMutableRawPointer?
            var result = CURLE_OK
            guard ccurl_multi_message_done(message, &easy, &result) != 0, let easy else { continue }
            var userdata: UnsafeMutableRawPointer?
            if ccurl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &userdata) == CURLE_OK, let userdata {
                complete(Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue(), result: result)
            } else if let transfer = active.first(where: { $0.easy == easy }) {
                complete(transfer, result: result)
            }
        }
    }

    private func complete(_ transfer: CurlTransfer, result: CURLcode) {
        guard let job = transfer.job else { return }
        let opened = transfer.connectionsOpened
        if opened > 0 { mailbox.connectionsOpened.wrappingAdd(opened, ordering: .relaxed) }
        var outcome = transfer.finish(result: result)
        let removal = curl_multi_remove_handle(multi.pointer, transfer.easy)
        if removal != CURLM_OK, outcome.error == nil {
            outcome.result = .failure(.curlMulti(removal, call: "curl_multi_remove_handle"))
        }
        release(transfer, reusable: removal == CURLM_OK)
        mailbox.transfersCompleted.wrappingAdd(1, ordering: .relaxed)
        finished.append((job, outcome))
    }

    /// Answers this turn's completions. One is resumed here; several are resumed from one task
    /// on the cooperative pool, so the engine thread pays for one wake-up, not one per caller.
    private func deliver() {
        if finished.count == 1 {
            let (job, outcome) = finished[0]
            finished.removeAll(keepingCapacity: true)
            job.resume(outcome)
        } else if finished.count > 1 {
            let batch = finished
            finished = []
            finished.reserveCapacity(capacity)
            Task { for (job, outcome) in batch { job.resume(outcome) } }
        }
    }

    /// Removes the transfer of job `id`, if it is still running, and answers it as cancelled.
    private func cancel(_ id: UInt64) {
        guard let transfer = active.first(where: { $0.job?.id == id }), let job = transfer.job else { return }
        let removal = curl_multi_remove_handle(multi.pointer, transfer.easy)
        release(transfer, reusable: removal == CURLM_OK)
        job.fail(.cancelledByCaller)
    }

    /// Removes every running transfer and answers each with `error`.
    private func abortAll(_ error: TransportError) {
        while let transfer = active.last {
            let removal = curl_multi_remove_handle(multi.pointer, transfer.easy)
            let job = transfer.job
            release(transfer, reusable: removal == CURLM_OK)
            job?.fail(error)
        }
    }

    /// Takes `transfer` out of the active list and, when its handle left the multi cleanly,
    /// keeps it for the next job.
    private func release(_ transfer: CurlTransfer, reusable: Bool) {
        let index = transfer.activeIndex
        if index >= 0 && index < active.count && active[index] === transfer {
            let last = active.removeLast()
            if index < active.count {
                active[index] = last
                last.activeIndex = index
            }
        }
        transfer.recycle()
        if reusable && idle.count < capacity { idle.append(transfer) }
    }
}

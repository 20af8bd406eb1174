import FafangCore
import FafangDelivery
import Foundation
import Logging
import Synchronization

/// Whether the store can be written, as the daemon's writers find it: marked out of space when a
/// write fails for lack of it (`StoreSpace.isOutOfSpace`), and writable again only when a write
/// that needs new space succeeds (the dispatcher's held results, or `Store.probeSpace`). Other
/// writes that succeed meanwhile (an update in place) do not end the outage: they prove nothing.
///
/// While it lasts the dispatcher claims nothing and keeps the results it could not write, the
/// admin server answers what it cannot record with 503 and Retry-After, the ledger inbox leaves
/// its files where they are, and systemd's STATUS, the metrics and the log say so.
public final class StoreHealth: Sendable {
    /// An outage: since when, what was being written, and what the store said.
    public struct Outage: Sendable, Equatable {
        public var since: Date
        public var during: String
        public var detail: String
        /// Writes that failed for lack of space since it began.
        public var failures: Int
    }

    /// Real time between tries to write again (held results, then the probe).
    public let retryInterval: Duration
    /// What an HTTP answer's Retry-After says while the store is full.
    public let retryAfterSeconds: Int
    /// Signalled when an outage begins or ends (systemd's STATUS is sent again at once).
    public let changed = WakeSignal()
    let logger: Logger
    let now: @Sendable () -> Date

    private struct State {
        var outage: Outage?
        var held = 0
    }

    private let state = Mutex(State())

    public init(logger: Logger = Logger(label: "fafang.store"), retryInterval: Duration = .seconds(5), retryAfterSeconds: Int = 60,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.logger = logger
        self.retryInterval = retryInterval
        self.retryAfterSeconds = retryAfterSeconds
        self.now = now
    }

    public var outage: Outage? { state.withLock { $0.outage } }
    public var isOutOfSpace: Bool { outage != nil }

    /// Results of sends the dispatcher holds in memory because they could not be written.
    public var heldResults: Int { state.withLock { $0.held } }

    func holding(_ count: Int) { state.withLock { $0.held = count } }

    /// Notes a write that failed; returns whether it was for lack of space (the store is then
    /// out of space until `recovered`). Other errors are the caller's to report.
    @discardableResult
    public func failed(_ error: any Error, during: String) -> Bool {
        guard StoreSpace.isOutOfSpace(error) else { return false }
        let detail = Redaction.text("\(error)")
        let began = state.withLock { state -> Bool in
            if state.outage == nil {
                state.outage = Outage(since: now(), during: during, detail: detail, failures: 1)
                return true
            }
            state.outage?.failures += 1
            return false
        }
        if began {
            logger.critical("the database cannot be written: no space left. Not claiming new work, keeping what was claimed, answering what cannot be recorded with 503, until space is freed",
                            metadata: ["store.during": "\(during)", "error": "\(detail)"])
            changed.signal()
        } else {
            logger.debug("still no space to write", metadata: ["store.during": "\(during)"])
        }
        return true
    }

    /// A write that needed space succeeded: the outage, if any, is over.
    public func recovered(by: String) {
        let ended = state.withLock { state -> Outage? in
            defer { state.outage = nil }
            return state.outage
        }
        guard let ended else { return }
        logger.notice("space freed: the database is written again, sending resumes", metadata: [
            "store.written": "\(by)", "store.failed_writes": "\(ended.failures)",
            "store.outage_seconds": "\(Int(max(0, now().timeIntervalSince(ended.since))))",
        ])
        changed.signal()
    }

    /// The line systemd's STATUS begins with during an outage, nil otherwise.
    public var status: String? {
        let (outage, held) = state.withLock { ($0.outage, $0.held) }
        guard let outage else { return nil }
        return "STORE FULL since \(outage.since.formatted(.iso8601)) (\(outage.during)): not claiming, \(held) results held in memory, receipts answered 503"
    }
}

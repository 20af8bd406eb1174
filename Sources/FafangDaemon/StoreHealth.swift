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
    /// How the state directory's filesystem is looked at (`DiskSpace.of`; tests give figures).
    let measureDisk: @Sendable (String) -> DiskSpace?
    /// The path whose filesystem `checkDisk()` looks at, and the threshold it warns below: the
    /// running configuration's state directory and `[paths] low_space_mib`; nil: none.
    let watched: @Sendable () -> (path: String, threshold: Int64)?
    /// Told when the disk falls below its threshold (the office's alert: `OfficeAlerts.diskLow`).
    let onDiskLow: (@Sendable (DiskReading) -> Void)?

    private struct State {
        var outage: Outage?
        var held = 0
        var disk: DiskReading?
    }

    /// The state directory's filesystem when last looked at (`checkDisk`).
    public struct DiskReading: Sendable, Hashable {
        public var path: String
        public var space: DiskSpace
        /// The warning threshold (`[paths] low_space_mib`), in bytes.
        public var threshold: Int64
        public var isLow: Bool { space.available < threshold }

        public init(path: String, space: DiskSpace, threshold: Int64) {
            self.path = path
            self.space = space
            self.threshold = threshold
        }
    }

    private let state = Mutex(State())

    public init(logger: Logger = Logger(label: "fafang.store"), retryInterval: Duration = .seconds(5), retryAfterSeconds: Int = 60,
                now: @escaping @Sendable () -> Date = { Date() }, measureDisk: @escaping @Sendable (String) -> DiskSpace? = DiskSpace.of,
                watching watched: @escaping @Sendable () -> (path: String, threshold: Int64)? = { nil },
                onDiskLow: (@Sendable (DiskReading) -> Void)? = nil) {
        self.logger = logger
        self.measureDisk = measureDisk
        self.watched = watched
        self.onDiskLow = onDiskLow
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
        // Space was freed: the last look at the disk is stale.
        checkDisk()
        logger.notice("space freed: the database is written again, sending resumes", metadata: [
            "store.written": "\(by)", "store.failed_writes": "\(ended.failures)",
            "store.outage_seconds": "\(Int(max(0, now().timeIntervalSince(ended.since))))",
        ])
        changed.signal()
    }

    /// The state directory's filesystem when last looked at; nil before the first look, or
    /// when it could not be looked at.
    public var disk: DiskReading? { state.withLock { $0.disk } }

    /// `checkDisk(path:threshold:)` of what it watches (the daemon's state directory, against
    /// `[paths] low_space_mib`); nil when it watches nothing.
    @discardableResult
    public func checkDisk() -> DiskReading? {
        guard let (path, threshold) = watched() else { return nil }
        return checkDisk(path: path, threshold: threshold)
    }

    /// Looks at the space left on `path`'s filesystem (the state directory), and warns once
    /// when it falls below `threshold` bytes, before a write fails for lack of it: the log has
    /// a warning, systemd's STATUS begins `DISK LOW`. A notice when it is above again.
    @discardableResult
    public func checkDisk(path: String, threshold: Int64) -> DiskReading? {
        let reading = measureDisk(path).map { DiskReading(path: path, space: $0, threshold: threshold) }
        let before = state.withLock { state -> DiskReading? in
            defer { state.disk = reading }
            return state.disk
        }
        guard let reading else {
            if before != nil { logger.warning("the state directory's filesystem cannot be looked at: no warning before it is full", metadata: ["disk.path": "\(path)"]) }
            if before?.isLow == true { changed.signal() }
            return nil
        }
        let (wasLow, isLow) = (before?.isLow ?? false, reading.isLow)
        guard wasLow != isLow else { return reading }
        let metadata: Logger.Metadata = ["disk.path": "\(path)", "disk.available_mib": "\(reading.space.available >> 20)",
                                         "disk.size_mib": "\(reading.space.total >> 20)", "disk.threshold_mib": "\(threshold >> 20)"]
        if isLow {
            onDiskLow?(reading)
            logger.warning("the state directory's disk is nearly full: free space before the database can no longer be written (journalctl --vacuum-size=, old backups)",
                           metadata: metadata)
        } else {
            logger.notice("the state directory's disk has space again", metadata: metadata)
        }
        changed.signal()
        return reading
    }

    /// The line systemd's STATUS begins with during an outage, or while the disk is nearly
    /// full; nil otherwise.
    public var status: String? {
        let (outage, held, disk) = state.withLock { ($0.outage, $0.held, $0.disk) }
        if let outage {
            return "STORE FULL since \(outage.since.formatted(.iso8601)) (\(outage.during)): not claiming, \(held) results held in memory, receipts answered 503"
        }
        if let disk, disk.isLow {
            return "DISK LOW: \(disk.space.summary) free in \(disk.path) (warning below \(DiskSpace.mebibytes(disk.threshold)))"
        }
        return nil
    }
}

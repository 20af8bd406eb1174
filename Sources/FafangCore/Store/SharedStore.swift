import Foundation

/// What a store that several daemons share adds to `Store` (PostgreSQL): word from the other
/// daemons when work falls due or payments are recorded, and one scheduler at a time.
public protocol SharedStore: Store {
    /// Listens until cancelled, calling `heard` for each announcement (the daemon's own too).
    /// Throws when the connection is lost: the caller listens again, and meanwhile polls.
    func listen(_ heard: @escaping @Sendable (StoreAnnouncement) -> Void) async throws

    /// Runs `body` while this daemon holds the leadership `key`, which one daemon at a time
    /// holds: false at once when another does. When the leadership is lost (its connection
    /// broke) `body` is cancelled; when the holder dies the database frees it.
    func whileLeading(_ key: Int64, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool
}

public enum StoreAnnouncement: String, Sendable, Hashable {
    /// Messages became due now (enqueued, approved, retried, a gateway resumed).
    case outbox
    /// Payments were recorded: the scheduler emits their events.
    case ledger
}

/// The leadership keys of `SharedStore.whileLeading`.
public enum Leadership {
    /// The scheduler: events are emitted by one daemon at a time.
    public static let scheduler: Int64 = 0x6661_6661_6E67_0002
}

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

    /// Takes a slot of a rate limit every daemon counts against (a robot's per-minute limit, a
    /// phone's daily SMS budget): nil when taken, else when the next one frees.
    func takeSlot(_ limit: SharedLimit, now: Date) async throws -> Date?

    /// The database's clock (`now()`): the time every daemon sharing it goes by.
    func databaseNow() async throws -> Date
}

/// A rate limit that daemons sharing a store count together: at most `limit` slots of `key`
/// (a gateway, a phone) in any `window` seconds.
public struct SharedLimit: Sendable, Hashable {
    /// Which limit: `robot` (per gateway, per minute) or `sms` (per phone, per day).
    public var name: String
    public var key: String
    public var limit: Int
    public var window: TimeInterval
    /// Why a message waits when the limit is reached (for its `last_error`).
    public var reason: String

    public init(name: String, key: String, limit: Int, window: TimeInterval, reason: String) {
        self.name = name
        self.key = key
        self.limit = limit
        self.window = window
        self.reason = reason
    }
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

import Foundation

/// A sliding-window limit: at most `limit` sends per `window` seconds per key (a robot, a
/// phone). Pure value: the caller passes `now`, and asks before sending. After a restart it is
/// rebuilt from the attempts the store recorded (`record`).
public struct RateLimiter: Sendable {
    public var limit: Int
    public let window: TimeInterval
    private var sent: [String: [Date]] = [:]

    public init(limit: Int, window: TimeInterval) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// When `key` may send next: `now` if it may send now, else the instant its oldest send in
    /// the window leaves it.
    public func nextAllowed(for key: String, now: Date) -> Date {
        let recent = (sent[key] ?? []).filter { now.timeIntervalSince($0) < window }
        guard recent.count >= limit, let oldest = recent.first else { return now }
        return oldest.addingTimeInterval(window)
    }

    /// Takes a slot for `key` if one is free now; returns whether it did.
    public mutating func take(_ key: String, now: Date) -> Bool {
        var recent = (sent[key] ?? []).filter { now.timeIntervalSince($0) < window }
        guard recent.count < limit else {
            sent[key] = recent
            return false
        }
        recent.append(now)
        sent[key] = recent
        return true
    }

    /// Counts a send made at `at` (an attempt recorded before a restart).
    public mutating func record(_ key: String, at: Date) {
        sent[key, default: []].append(at)
        sent[key]?.sort()
    }
}

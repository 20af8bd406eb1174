import Foundation

/// When to try a failed message again: a fixed schedule of delays with jitter (Svix-like by
/// default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), a server's Retry-After honoured when it
/// asks for longer, and an end after the last delay.
public struct RetryPolicy: Sendable, Hashable {
    /// Delay after the first failed attempt, the second, …; once used up the message is dead.
    public var delays: [TimeInterval]
    /// Each delay is spread by ± this fraction (0.1 = ±10 %), so retries of many messages that
    /// failed together do not all come back at the same second.
    public var jitter: Double

    public static let standard = RetryPolicy(delays: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000], jitter: 0.1)

    public init(delays: [TimeInterval], jitter: Double) {
        self.delays = delays
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The decision after `attempts` failed attempts (1 after the first failure).
    public enum Decision: Sendable, Hashable {
        case retry(at: Date)
        case giveUp
    }

    /// - Parameters:
    ///   - retryAfter: the server's Retry-After, if it gave one; honoured when longer than the schedule.
    ///   - random: a number in 0..<1 (pass a seeded value in tests).
    public func decide(afterAttempts attempts: Int, now: Date, retryAfter: TimeInterval? = nil, random: Double) -> Decision {
        guard attempts >= 1, attempts <= delays.count else { return .giveUp }
        let base = delays[attempts - 1]
        let spread = base * jitter * (2 * min(max(random, 0), 1) - 1)
        let delay = max(base + spread, retryAfter ?? 0)
        return .retry(at: now.addingTimeInterval(delay))
    }
}

import FafangCore
import FafangDelivery
import FafangStore
import Foundation

/// The dispatcher's decisions, without I/O: whether a claimed row may go now (quiet hours,
/// rate limits), and what an attempt's verdict means for the row (sent, retry when, dead).
/// A value type: the I/O shell asks it and performs the action it returns.
public struct DispatchPolicy: Sendable {
    public let settings: DispatchSettings
    public let quietHours: QuietHours
    public let zone: TimeZone
    /// Gateways that are group robots (DingTalk, WeCom, Feishu): the per-minute limit applies to these.
    public let robots: Set<String>
    private var robotLimiter: RateLimiter
    private var smsLimiter: RateLimiter

    public init(settings: DispatchSettings, quietHours: QuietHours, zone: TimeZone, robots: Set<String>) {
        self.settings = settings
        self.robots = robots
        self.quietHours = quietHours
        self.zone = zone
        robotLimiter = RateLimiter(limit: settings.robotPerMinute, window: 60)
        smsLimiter = RateLimiter(limit: settings.smsPerPhonePerDay, window: 86_400)
    }

    /// What to do with a claimed row before sending it.
    public enum Gate: Sendable, Hashable {
        case send
        /// Hold it until then; no attempt is counted.
        case hold(until: Date, reason: String)
    }

    /// Quiet hours hold SMS; a robot over 20 a minute, or a phone over its daily budget, waits.
    /// Takes a rate-limit slot when it answers `.send`. A retry (`firstAttempt` false) uses no
    /// slot of the phone's budget: the person has not received the message yet.
    public mutating func gate(channel: Channel, gateway: String, recipient: String, firstAttempt: Bool = true, now: Date) -> Gate {
        if channel == .sms {
            let allowed = quietHours.nextAllowed(after: now, in: zone)
            if allowed > now { return .hold(until: allowed, reason: "quiet hours \(quietHours)") }
            if firstAttempt, !smsLimiter.take(recipient, now: now) {
                return .hold(until: smsLimiter.nextAllowed(for: recipient, now: now), reason: "daily SMS budget of this phone used")
            }
            return .send
        }
        if robots.contains(gateway), !robotLimiter.take(gateway, now: now) {
            return .hold(until: robotLimiter.nextAllowed(for: gateway, now: now), reason: "robot rate limit \(settings.robotPerMinute)/min")
        }
        return .send
    }

    /// The row's next state after an attempt that came to `verdict`; `attempts` counts this one.
    public func after(_ verdict: DeliveryVerdict, attempts: Int, now: Date, random: Double) -> AppDatabase.AttemptResult {
        switch verdict {
        case let .delivered(reference):
            return .sent(reference: reference)
        case let .permanent(reason):
            return .dead(error: reason)
        case let .retry(reason, after):
            let retryAfter = after.map { TimeInterval($0.components.seconds) + TimeInterval($0.components.attoseconds) / 1e18 }
            switch settings.retry.decide(afterAttempts: attempts, now: now, retryAfter: retryAfter, random: random) {
            case let .retry(at): return .retry(at: at, error: reason)
            case .giveUp: return .dead(error: "retries exhausted after \(attempts) attempts; last: \(reason)")
            }
        }
    }

    /// Alert kinds to one village that are grouped into a digest.
    public static let digestKinds: [DueEvent.Kind] = [.milestoneApproaching, .milestoneOverdue, .caughtUp]
}

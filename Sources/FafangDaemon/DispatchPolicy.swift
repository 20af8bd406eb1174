import FafangCore
import Foundation

/// Whether a claimed message may go now, without I/O: quiet hours and quiet days (holidays, and
/// where configured weekends) hold SMS, a robot over its
/// per-minute limit and a phone over its daily budget wait. The limits' windows are rebuilt from
/// the store's recent attempts when the dispatcher starts, so a restart does not reset them.
public struct DispatchPolicy: Sendable {
    public var settings: DispatchSettings
    public var quietHours: QuietHours
    /// Whole days SMS wait through (`[sms] quiet_days`); webhooks are not held by them.
    public var quietDays: QuietDays
    public var zone: TimeZone
    /// Gateways that are group robots (DingTalk, WeCom, Feishu): the per-minute limit applies to these.
    public var robots: Set<String>
    private var robotLimiter: RateLimiter
    private var smsLimiter: RateLimiter

    public init(settings: DispatchSettings, quietHours: QuietHours, quietDays: QuietDays = .none, zone: TimeZone, robots: Set<String>) {
        self.settings = settings
        self.robots = robots
        self.quietHours = quietHours
        self.quietDays = quietDays
        self.zone = zone
        robotLimiter = RateLimiter(limit: settings.robotPerMinute, window: 60)
        smsLimiter = RateLimiter(limit: settings.smsPerPhonePerDay, window: 86_400)
    }

    /// The same windows under new settings (a reload): what was sent still counts.
    public mutating func adopt(settings: DispatchSettings, quietHours: QuietHours, quietDays: QuietDays = .none, zone: TimeZone,
                               robots: Set<String>) {
        self.settings = settings
        self.quietHours = quietHours
        self.quietDays = quietDays
        self.zone = zone
        self.robots = robots
        robotLimiter.limit = max(1, settings.robotPerMinute)
        smsLimiter.limit = max(1, settings.smsPerPhonePerDay)
    }

    /// The windows the attempts since a day ago fill (`Store.recentAttempts`).
    public mutating func seed(_ attempts: [RecentAttempt]) {
        for attempt in attempts {
            if attempt.channel == .sms, attempt.number == 1 { smsLimiter.record(attempt.recipient, at: attempt.startedAt) }
            if robots.contains(attempt.gateway) { robotLimiter.record(attempt.gateway, at: attempt.startedAt) }
        }
    }

    /// What to do with a claimed message before sending it.
    public enum Gate: Sendable, Hashable {
        case send
        /// Hold it until then; no attempt is counted.
        case hold(until: Date, reason: String)
    }

    /// Quiet hours and quiet days hold SMS (a message due on a holiday waits until the quiet
    /// hours of the next day that is not quiet end); a robot over its limit a minute, or a phone
    /// over its daily budget, waits. Takes a rate-limit slot when it answers `.send`. A retry (`firstAttempt` false)
    /// uses no slot of the phone's budget: the person has not received the message yet.
    ///
    /// With `counting` false (a store several daemons share) the rate limits are left to the
    /// store (`limit(…)` names the one that applies) and only quiet hours and days are decided here.
    public mutating func gate(channel: Channel, gateway: String, recipient: String, firstAttempt: Bool = true, now: Date,
                              counting: Bool = true) -> Gate {
        if channel == .sms {
            let allowed = quietDays.nextAllowed(after: now, quietHours: quietHours, in: zone)
            if allowed.at > now { return .hold(until: allowed.at, reason: allowed.reason ?? "quiet hours \(quietHours)") }
        }
        guard counting, let limit = limit(channel: channel, gateway: gateway, recipient: recipient, firstAttempt: firstAttempt) else { return .send }
        if channel == .sms {
            if !smsLimiter.take(recipient, now: now) { return .hold(until: smsLimiter.nextAllowed(for: recipient, now: now), reason: limit.reason) }
        } else if !robotLimiter.take(gateway, now: now) {
            return .hold(until: robotLimiter.nextAllowed(for: gateway, now: now), reason: limit.reason)
        }
        return .send
    }

    /// The rate limit a message counts against, if any: a first SMS to a phone its daily budget,
    /// a message to a group robot the robot's per-minute limit.
    public func limit(channel: Channel, gateway: String, recipient: String, firstAttempt: Bool) -> SharedLimit? {
        if channel == .sms {
            guard firstAttempt else { return nil }
            return SharedLimit(name: "sms", key: recipient, limit: max(1, settings.smsPerPhonePerDay), window: 86_400,
                               reason: "daily SMS budget of this phone used")
        }
        guard robots.contains(gateway) else { return nil }
        return SharedLimit(name: "robot", key: gateway, limit: max(1, settings.robotPerMinute), window: 60,
                           reason: "robot rate limit \(settings.robotPerMinute)/min")
    }

    /// Alert kinds to one village that are grouped into a digest.
    public static let digestKinds: Set<DueEvent.Kind> = [.milestoneApproaching, .milestoneOverdue, .caughtUp]
}

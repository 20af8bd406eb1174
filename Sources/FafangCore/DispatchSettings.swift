import Foundation

/// How the dispatcher paces, retries and groups messages (`[dispatch]` in fafang.toml).
public struct DispatchSettings: Sendable, Hashable {
    /// Rows claimed per round.
    public var batchSize: Int
    /// Seconds a claimed row stays leased; a sender that crashed loses it after this.
    public var leaseSeconds: TimeInterval
    /// Sends in flight at once.
    public var concurrency: Int
    public var retry: RetryPolicy
    /// Messages per minute to one group robot (DingTalk, WeCom and Feishu allow 20).
    public var robotPerMinute: Int
    /// SMS to one phone per local day, at most.
    public var smsPerPhonePerDay: Int
    /// Village alerts enqueued within this many seconds of each other go out as one digest.
    public var digestWindowSeconds: TimeInterval
    /// When a failing gateway is paused and how it is probed meanwhile.
    public var health: HealthRules

    public init(batchSize: Int = 100, leaseSeconds: TimeInterval = 120, concurrency: Int = 32, retry: RetryPolicy = .standard,
                robotPerMinute: Int = 20, smsPerPhonePerDay: Int = 5, digestWindowSeconds: TimeInterval = 120,
                health: HealthRules = HealthRules()) {
        self.batchSize = batchSize
        self.leaseSeconds = leaseSeconds
        self.concurrency = concurrency
        self.retry = retry
        self.robotPerMinute = robotPerMinute
        self.smsPerPhonePerDay = smsPerPhonePerDay
        self.digestWindowSeconds = digestWindowSeconds
        self.health = health
    }
}

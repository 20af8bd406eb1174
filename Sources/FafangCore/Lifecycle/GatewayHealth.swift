import Foundation

/// How a gateway or endpoint is doing, and the rules for pausing it: the state kept in the
/// store (so a restart forgets nothing) and its transitions, which return what to do.
///
/// A gateway is paused only when it has failed for a long window (`HealthRules.pauseAfter`,
/// 24 hours by default) without a single success and with at least `minimumFailures` failed
/// rounds in it. While paused by failing, one message is let through every `probeEvery` as a
/// probe; the first success resumes it. A gateway an operator paused stays paused until resumed.
public struct GatewayHealth: Sendable, Hashable {
    /// Why a gateway is paused.
    public enum PauseCause: String, Sendable, Hashable, Codable {
        /// It kept failing; probes resume it.
        case failing
        /// An operator paused it; only an operator resumes it.
        case `operator`
    }

    public var name: String
    /// The first failure since the last success (nil: not failing).
    public var failingSince: Date?
    /// Failed rounds since the last success.
    public var failures: Int
    public var lastFailure: String?
    public var pausedAt: Date?
    public var pauseCause: PauseCause?
    /// While paused by failing: when the next probe may go.
    public var nextProbeAt: Date?

    public init(name: String, failingSince: Date? = nil, failures: Int = 0, lastFailure: String? = nil, pausedAt: Date? = nil,
                pauseCause: PauseCause? = nil, nextProbeAt: Date? = nil) {
        self.name = name
        self.failingSince = failingSince
        self.failures = failures
        self.lastFailure = lastFailure
        self.pausedAt = pausedAt
        self.pauseCause = pauseCause
        self.nextProbeAt = nextProbeAt
    }

    public var isPaused: Bool { pauseCause != nil }

    /// What the shell must do after a health transition.
    public enum Action: Sendable, Hashable {
        /// Write the new health (or nothing, if unchanged).
        case none
        /// It was just paused: write it, and tell the office through another channel.
        case paused(reason: String)
        /// It was just resumed: write it, and make its waiting messages due now.
        case resumed
    }

    /// A round through this gateway succeeded (any of its messages got through).
    public mutating func succeeded() -> Action {
        let wasPausedByFailing = pauseCause == .failing
        failingSince = nil
        failures = 0
        lastFailure = nil
        guard wasPausedByFailing else { return .none }
        pauseCause = nil
        pausedAt = nil
        nextProbeAt = nil
        return .resumed
    }

    /// A round through this gateway failed with retryable errors only.
    public mutating func failed(reason: String, now: Date, rules: HealthRules) -> Action {
        let since = failingSince ?? now
        failingSince = since
        failures += 1
        lastFailure = reason
        if pauseCause == .failing {
            nextProbeAt = now.addingTimeInterval(rules.probeEvery)
            return .none
        }
        guard pauseCause == nil, failures >= rules.minimumFailures, now.timeIntervalSince(since) >= rules.pauseAfter else { return .none }
        pauseCause = .failing
        pausedAt = now
        nextProbeAt = now.addingTimeInterval(rules.probeEvery)
        return .paused(reason: "failing since \(since) without a success (\(failures) failed rounds); last: \(reason)")
    }

    /// Whether a probe may go now: paused by failing, and its probe time has come.
    public func probeDue(now: Date) -> Bool {
        pauseCause == .failing && (nextProbeAt ?? .distantPast) <= now
    }

    /// A probe was sent: the next may go only after `probeEvery`, whatever its result.
    public mutating func probing(now: Date, rules: HealthRules) {
        nextProbeAt = now.addingTimeInterval(rules.probeEvery)
    }

    /// An operator pauses it. Returns false if it was paused already.
    public mutating func pausedByOperator(now: Date) -> Bool {
        guard pauseCause != .operator else { return false }
        pauseCause = .operator
        pausedAt = now
        nextProbeAt = nil
        return true
    }

    /// An operator resumes it, whatever paused it. Returns false if it was not paused.
    public mutating func resumedByOperator() -> Bool {
        guard isPaused else { return false }
        self = GatewayHealth(name: name)
        return true
    }
}

/// When a failing gateway is paused and how it is probed (`[dispatch]` in fafang.toml).
public struct HealthRules: Sendable, Hashable {
    /// Failing this long without a success pauses it (`pause_after_failing_minutes`, default 24 h).
    public var pauseAfter: TimeInterval
    /// …and only after at least this many failed rounds in that time.
    public var minimumFailures: Int
    /// While paused, one message goes as a probe this often (`probe_every_minutes`, default 5).
    public var probeEvery: TimeInterval

    public init(pauseAfter: TimeInterval = 86_400, minimumFailures: Int = 5, probeEvery: TimeInterval = 300) {
        self.pauseAfter = pauseAfter
        self.minimumFailures = max(1, minimumFailures)
        self.probeEvery = max(1, probeEvery)
    }
}

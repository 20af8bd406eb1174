import FafangCore
import Foundation
import Synchronization

/// The daemon's idea of time. Real time in production; a virtual clock that runs `rate` times
/// faster from a chosen start for rehearsing a budget year (`--clock-start`, `--clock-rate`),
/// and in tests.
public final class DaemonClock: InstantClock {
    private let origin: Date
    /// When the clock was made, on the monotonic clock: a virtual clock advances by the time
    /// that really passed, so that the wall clock stepped by NTP (or by hand) does not move it.
    private let startedAt: ContinuousClock.Instant
    /// Whether this is the real clock (no virtual start, rate 1): then `now` is the wall clock,
    /// stepped or not, since the dates people read are the wall's.
    public let isReal: Bool
    /// Virtual seconds per real second.
    public let rate: Double
    /// Seconds added to follow a reference clock (the shared database's `now()`): zero unless
    /// `follow(reference:sentAt:answeredAt:)` set it; and steps simulated by `step(by:)`.
    private let offset = Mutex<TimeInterval>(0)

    /// Real time.
    public static let system = DaemonClock(start: nil, rate: 1)

    /// From `start` (now if nil), advancing `rate` virtual seconds per real second.
    public init(start: Date?, rate: Double) {
        origin = start ?? Date()
        startedAt = .now
        self.rate = max(rate, 1e-6)
        isReal = start == nil && rate == 1
    }

    public var now: Date {
        let offset = offset.withLock { $0 }
        if isReal { return Date().addingTimeInterval(offset) }
        let elapsed = startedAt.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return origin.addingTimeInterval(seconds * rate + offset)
    }

    /// Moves this clock by `seconds` at once, as NTP stepping the wall clock moves the real one:
    /// for tests of what the daemon does when its time jumps.
    public func step(by seconds: TimeInterval) {
        offset.withLock { $0 += seconds }
    }

    /// How far this clock is from the reference it follows, in seconds.
    public var offsetSeconds: TimeInterval { offset.withLock { $0 } }

    /// Follows a reference clock read by a round trip: `reference` was its time when asked at
    /// `sentAt` and answered by `answeredAt` (this machine's wall clock), taken as the midpoint.
    /// Several daemons sharing a database thus share its time, whatever their own clocks say.
    public func follow(reference: Date, sentAt: Date, answeredAt: Date) {
        guard isReal else { return }
        let midpoint = sentAt.addingTimeInterval(answeredAt.timeIntervalSince(sentAt) / 2)
        offset.withLock { $0 = reference.timeIntervalSince(midpoint) }
    }
}

/// The configuration the daemon runs on, swapped whole on a successful reload.
public final class LiveConfiguration<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    public init(_ value: Value) { self.value = Mutex(value) }

    public var current: Value { value.withLock { $0 } }

    public func replace(with newValue: Value) { value.withLock { $0 = newValue } }
}

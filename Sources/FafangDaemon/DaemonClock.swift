import FafangCore
import Foundation
import Synchronization

/// The daemon's idea of time. Real time in production; a virtual clock that runs `rate` times
/// faster from a chosen start for rehearsing a budget year (`--clock-start`, `--clock-rate`),
/// and in tests.
public final class DaemonClock: InstantClock {
    private let origin: Date
    private let startedAt: Date
    /// Virtual seconds per real second.
    public let rate: Double
    /// Seconds added to follow a reference clock (the shared database's `now()`): zero unless
    /// `follow(reference:sentAt:answeredAt:)` set it.
    private let offset = Mutex<TimeInterval>(0)

    /// Real time.
    public static let system = DaemonClock(start: nil, rate: 1)

    /// From `start` (now if nil), advancing `rate` virtual seconds per real second.
    public init(start: Date?, rate: Double) {
        let real = Date()
        origin = start ?? real
        startedAt = real
        self.rate = max(rate, 1e-6)
    }

    public var now: Date { origin.addingTimeInterval(Date().timeIntervalSince(startedAt) * rate + offset.withLock { $0 }) }

    /// Whether this is the real clock (no virtual start, rate 1): only that one follows a reference.
    public var isReal: Bool { rate == 1 && abs(origin.timeIntervalSince(startedAt)) < 0.001 }

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

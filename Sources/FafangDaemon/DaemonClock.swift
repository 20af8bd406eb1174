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

    /// Real time.
    public static let system = DaemonClock(start: nil, rate: 1)

    /// From `start` (now if nil), advancing `rate` virtual seconds per real second.
    public init(start: Date?, rate: Double) {
        let real = Date()
        origin = start ?? real
        startedAt = real
        self.rate = max(rate, 1e-6)
    }

    public var now: Date { origin.addingTimeInterval(Date().timeIntervalSince(startedAt) * rate) }
}

/// The configuration the daemon runs on, swapped whole on a successful reload.
public final class LiveConfiguration<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    public init(_ value: Value) { self.value = Mutex(value) }

    public var current: Value { value.withLock { $0 } }

    public func replace(with newValue: Value) { value.withLock { $0 = newValue } }
}

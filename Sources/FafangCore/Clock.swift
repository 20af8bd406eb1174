import Foundation
import Synchronization

/// A source of the current instant: the daemon's clock (a virtual one when rehearsing a year),
/// or a `ManualClock` that a test moves by hand. Types that decide by time are generic over it.
public protocol InstantClock: Sendable {
    var now: Date { get }
}

/// The wall clock.
public struct WallClock: InstantClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that moves only when told: tests drive lifecycles and services with it.
public final class ManualClock: InstantClock {
    private let instant: Mutex<Date>

    public init(_ start: Date) { instant = Mutex(start) }

    public var now: Date { instant.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }

    public func set(_ date: Date) { instant.withLock { $0 = date } }
}

/// Names a running instance: the lease owner of the messages it claims. Random, so that two
/// processes, or a process and its restarted self, never hold a lease as one.
public enum InstanceID {
    /// `fafang-HOST-` and 16 random hex digits.
    public static func make(prefix: String = "fafang") -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(prefix)-\(host)-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

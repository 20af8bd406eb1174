import Foundation

/// Failed logins per account and per client address: after `maxFailures` of one key within
/// `window`, that key is locked out for `window`. A value type the session store keeps; it
/// decides, it does no I/O.
struct LoginThrottle: Sendable {
    enum Key: Hashable, Sendable, CustomStringConvertible {
        case account(String)
        case address(String)

        var description: String { subject }

        /// As the audit log names it: `account:NAME`, `address:IP`.
        var subject: String {
            switch self {
            case let .account(name): return "account:" + name
            case let .address(address): return "address:" + address
            }
        }
    }

    struct Rules: Sendable, Hashable {
        var maxFailures: Int
        var window: TimeInterval
    }

    /// The most keys remembered: past it, the oldest failures are forgotten first.
    static let capacity = 10_000

    private var failures: [Key: [Date]] = [:]
    private var lockedUntil: [Key: Date] = [:]

    /// Until when the first locked of `keys` is locked, nil when none is.
    func locked(_ keys: [Key], now: Date) -> Date? {
        keys.compactMap { lockedUntil[$0] }.filter { $0 > now }.max()
    }

    /// Notes a failure of each key; returns the keys it locked out now.
    mutating func failed(_ keys: [Key], now: Date, rules: Rules) -> [Key] {
        prune(now: now, window: rules.window)
        var locked: [Key] = []
        for key in keys {
            var list = failures[key, default: []]
            list.append(now)
            if list.count >= rules.maxFailures {
                lockedUntil[key] = now.addingTimeInterval(rules.window)
                failures[key] = nil
                locked.append(key)
            } else {
                failures[key] = list
            }
        }
        return locked
    }

    /// A successful login clears its account's failures (not its address's: one good account
    /// must not reset the count of guesses at others).
    mutating func succeeded(account: String) {
        failures[.account(account)] = nil
    }

    private mutating func prune(now: Date, window: TimeInterval) {
        let oldest = now.addingTimeInterval(-window)
        failures = failures.compactMapValues { list in
            let kept = list.filter { $0 > oldest }
            return kept.isEmpty ? nil : kept
        }
        lockedUntil = lockedUntil.filter { $0.value > now }
        if failures.count > Self.capacity {
            let sorted = failures.sorted { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }
            for (key, _) in sorted.prefix(failures.count - Self.capacity) { failures[key] = nil }
        }
    }
}

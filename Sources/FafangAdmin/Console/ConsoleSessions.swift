import FafangConfig
import FafangCore
import Foundation

/// The console's sessions and failed logins, in memory only (a restart logs everyone out). Time
/// is the wall clock's, never the daemon's virtual one.
actor ConsoleSessions {
    private let clock: any InstantClock
    private var sessions: [String: ConsoleSession] = [:]
    private var throttle = LoginThrottle()

    init(clock: any InstantClock) { self.clock = clock }

    var now: Date { clock.now }

    /// A new session for `account`, which logged in against `passwordHash`.
    func open(_ account: OperatorAccount, passwordHash: String, settings: ConsoleSettings) -> ConsoleSession {
        let now = clock.now
        sweep(now: now, idle: idle(settings))
        throttle.succeeded(account: account.name)
        let session = ConsoleSession(id: ConsoleToken.random(), account: account, passwordHash: passwordHash, csrf: ConsoleToken.random(), now: now)
        sessions[session.id] = session
        return session
    }

    /// The live session of `id`, touched, with the account's current role and name; nil when it
    /// expired, its account is gone or its password was changed (it is ended then).
    func session(id: String, accounts: [OperatorAccount], settings: ConsoleSettings) -> ConsoleSession? {
        let now = clock.now
        guard var session = sessions[id] else { return nil }
        guard now.timeIntervalSince(session.lastSeen) < idle(settings),
              let account = accounts.first(where: { $0.name == session.account }), account.passwordHash == session.passwordHash
        else {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = now
        session.role = account.role
        session.displayName = account.displayName
        sessions[id] = session
        return session
    }

    func close(id: String) { sessions[id] = nil }

    /// Until when a login of `account` from `address` must wait; nil when it may be tried.
    func lockedUntil(account: String?, address: String) -> Date? {
        throttle.locked(keys(account: account, address: address), now: clock.now)
    }

    /// Notes a failed login; returns what it locked out now.
    func failed(account: String?, address: String, settings: ConsoleSettings) -> [LoginThrottle.Key] {
        throttle.failed(keys(account: account, address: address), now: clock.now,
                        rules: .init(maxFailures: settings.maxFailedLogins, window: TimeInterval(settings.lockoutMinutes * 60)))
    }

    private func keys(account: String?, address: String) -> [LoginThrottle.Key] {
        [.address(address)] + (account.map { [.account($0)] } ?? [])
    }

    private func idle(_ settings: ConsoleSettings) -> TimeInterval { TimeInterval(settings.sessionMinutes * 60) }

    private func sweep(now: Date, idle: TimeInterval) {
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) < idle }
    }
}

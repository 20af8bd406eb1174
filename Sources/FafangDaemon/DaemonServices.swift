import FafangConfig
import FafangCore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the dispatcher until shutdown; on SIGTERM it stops claiming, finishes the sends already
/// claimed (they are not cut off) and writes their results, leaving the rest pending for the
/// next start.
///
/// While messages are due it drains them (`Dispatcher.drain`: senders and the writer side by
/// side); when nothing is due it sleeps until the next message falls due (at most
/// `maximumIdleSeconds` of real time), or until the scheduler or the inbox wakes it. No polling
/// while idle. While the store is out of space (`StoreHealth`) it claims nothing and tries
/// `Store.probeSpace` every `StoreHealth.retryInterval` until the write succeeds.
public struct DispatcherService: Service {
    let dispatcher: Dispatcher<DaemonClock>
    let clock: DaemonClock
    let wake: WakeSignal
    let logger: Logger
    let maximumIdleSeconds: Double

    public init(dispatcher: Dispatcher<DaemonClock>, clock: DaemonClock, wake: WakeSignal = WakeSignal(), logger: Logger,
                maximumIdleSeconds: Double = 30) {
        self.dispatcher = dispatcher
        self.clock = clock
        self.wake = wake
        self.logger = logger
        self.maximumIdleSeconds = maximumIdleSeconds
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await dispatcher.drain(stopClaiming: { Task.isShuttingDownGracefully || Task.isCancelled })
            } catch {
                logger.error("dispatch failed; trying again when woken", metadata: ["error": "\(error)"])
            }
            let health = dispatcher.storeHealth
            if health.isOutOfSpace {
                // Nothing is claimed until a write that needs space succeeds.
                await cancelWhenGracefulShutdown { await wake.wait(timeout: health.retryInterval) }
                do {
                    try await dispatcher.store.probeSpace()
                    health.recovered(by: "the space probe")
                } catch {
                    if !health.failed(error, during: "probing for space") {
                        logger.error("the space probe failed", metadata: ["error": "\(error)"])
                    }
                }
                continue
            }
            // Real seconds until the next due message, from the daemon clock's virtual time.
            let next = (try? await dispatcher.store.nextDue()) ?? nil
            let virtualWait = next.map { max(0, $0.timeIntervalSince(clock.now)) } ?? .infinity
            let realWait = min(maximumIdleSeconds, max(0.01, virtualWait / clock.rate))
            await cancelWhenGracefulShutdown { await wake.wait(timeout: .milliseconds(Int(realWait * 1000))) }
        }
        logger.info("dispatcher drained")
    }
}

/// Imports ledger files dropped into the inbox directory, every `intervalSeconds`.
public struct LedgerInboxService: Service {
    let service: LedgerService
    let runtime: LiveConfiguration<Runtime>
    let clock: DaemonClock
    let intervalSeconds: TimeInterval
    let onImport: @Sendable () -> Void

    /// - Parameter onImport: called after a file was imported (the daemon runs the scheduler then).
    public init(service: LedgerService, runtime: LiveConfiguration<Runtime>, clock: DaemonClock, intervalSeconds: TimeInterval,
                onImport: @escaping @Sendable () -> Void = {}) {
        self.service = service
        self.runtime = runtime
        self.clock = clock
        self.intervalSeconds = intervalSeconds
        self.onImport = onImport
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let configuration = runtime.current.configuration
            let directory = configuration.settings.ledgerInbox
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if !(await service.processInbox(directory, configuration: configuration, now: clock.now)).isEmpty { onImport() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(intervalSeconds)) }
        }
    }
}

/// Re-reads the configuration on SIGHUP and builds a whole new runtime (configuration,
/// templates, gateways, policies) with the code `fafang check` runs: on any error the old
/// runtime stays in force, every problem logged; otherwise the new one replaces it at once.
public struct ReloadService: Service {
    let path: String
    let runtime: LiveConfiguration<Runtime>
    let logger: Logger
    let willReload: @Sendable () -> Void
    let onReload: @Sendable (Bool) -> Void

    /// - Parameters:
    ///   - willReload: called before each reload (the daemon tells systemd RELOADING=1).
    ///   - onReload: called after, with whether the new runtime was taken.
    public init(path: String, runtime: LiveConfiguration<Runtime>, logger: Logger,
                willReload: @escaping @Sendable () -> Void = {}, onReload: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.path = path
        self.runtime = runtime
        self.logger = logger
        self.willReload = willReload
        self.onReload = onReload
    }

    /// Builds and, if valid, swaps the runtime; returns whether it did.
    @discardableResult
    public func reload() -> Bool {
        let load = Runtime.load(path: path, clockRate: runtime.current.clockRate)
        guard let fresh = load.runtime else {
            for diagnostic in load.errors {
                logger.error("configuration error", metadata: ["config.problem": "\(diagnostic.description)"])
            }
            logger.error("reload refused: keeping the previous configuration", metadata: ["config.errors": "\(load.errors.count)"])
            return false
        }
        runtime.replace(with: fresh)
        logger.notice("configuration reloaded", metadata: ["config.projects": "\(fresh.configuration.projects.count)",
                                                          "config.warnings": "\(load.warnings.count)"])
        return true
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            willReload()
            onReload(reload())
        }
    }
}

/// On a store several daemons share: listens for the announcements of every daemon and wakes
/// this one's dispatcher (work fell due) or scheduler (payments were recorded). While the
/// connection is down the dispatcher still polls; after it is back both are woken, for what
/// was announced meanwhile.
public struct AnnouncementService: Service {
    let store: any SharedStore
    let outbox: WakeSignal
    let ledger: WakeSignal
    let logger: Logger

    public init(store: any SharedStore, outbox: WakeSignal, ledger: WakeSignal, logger: Logger) {
        self.store = store
        self.outbox = outbox
        self.ledger = ledger
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if failures > 0 {
                outbox.signal()
                ledger.signal()
            }
            do {
                let (outbox, ledger) = (self.outbox, self.ledger)
                try await cancelWhenGracefulShutdown {
                    try await store.listen { announcement in
                        switch announcement {
                        case .outbox: outbox.signal()
                        case .ledger: ledger.signal()
                        }
                    }
                }
            } catch {
                guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
                failures += 1
                logger.warning("not listening for other daemons' announcements; polling meanwhile", metadata: ["error": "\(error)"])
                let pause = Duration.seconds(min(30, failures))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
    }
}

/// On a store several daemons share, keeps the daemon's real clock on the database's: read
/// every `intervalSeconds`, so leases, retry times and deadlines mean the same to every daemon
/// whatever their machines' clocks say.
public struct ClockFollowingService: Service {
    let store: any SharedStore
    let clock: DaemonClock
    let intervalSeconds: Double
    let logger: Logger

    public init(store: any SharedStore, clock: DaemonClock, intervalSeconds: Double = 60, logger: Logger) {
        self.store = store
        self.clock = clock
        self.intervalSeconds = intervalSeconds
        self.logger = logger
    }

    /// Reads the database's time once and follows it; logs when this machine's clock is off by
    /// more than a second.
    public static func follow(_ store: any SharedStore, clock: DaemonClock, logger: Logger) async throws {
        let sent = Date()
        let reference = try await store.databaseNow()
        let answered = Date()
        let before = clock.offsetSeconds
        clock.follow(reference: reference, sentAt: sent, answeredAt: answered)
        let offset = clock.offsetSeconds
        if abs(offset) > 1, abs(offset - before) > 0.5 {
            logger.warning("this machine's clock differs from the database's; going by the database", metadata: [
                "clock.offset_seconds": "\(String(format: "%.3f", offset))",
            ])
        }
    }

    public func run() async throws {
        guard clock.isReal else {
            // A virtual clock (a rehearsed year) follows nothing; returning would end the group.
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await Self.follow(store, clock: clock, logger: logger)
            } catch {
                logger.warning("could not read the database's time; keeping the last offset", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(intervalSeconds)) }
        }
    }
}

/// Looks at the space left on the state directory's filesystem every `interval` of real time
/// (`StoreHealth.checkDisk`), so that the office is warned while a full disk can still be avoided.
public struct DiskWatchService: Service {
    let health: StoreHealth
    let interval: Duration

    public init(health: StoreHealth, interval: Duration = .seconds(60)) {
        self.health = health
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            health.checkDisk()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

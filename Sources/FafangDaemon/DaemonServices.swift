import FafangConfig
import FafangCore
import FafangStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the dispatcher until shutdown; on SIGTERM it finishes the batch in flight (sends are not
/// cut off) and returns, leaving the rest pending for the next start.
///
/// When nothing is due it sleeps until the next row falls due (at most `maximumIdleSeconds` of
/// real time), or until the scheduler or the inbox wakes it: no polling while idle.
public struct DispatcherService: Service {
    let dispatcher: Dispatcher
    let clock: DaemonClock
    let wake: WakeSignal
    let logger: Logger
    let maximumIdleSeconds: Double

    public init(dispatcher: Dispatcher, clock: DaemonClock, wake: WakeSignal = WakeSignal(), logger: Logger, maximumIdleSeconds: Double = 30) {
        self.dispatcher = dispatcher
        self.clock = clock
        self.wake = wake
        self.logger = logger
        self.maximumIdleSeconds = maximumIdleSeconds
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let claimed: Int
            do {
                claimed = try await dispatcher.runOnce()
            } catch {
                logger.error("dispatch round failed", metadata: ["error": "\(error)"])
                claimed = 0
            }
            if claimed == 0 {
                // Real seconds until the next due row, from the daemon clock's virtual time.
                let next = (try? dispatcher.database.nextDue()) ?? nil
                let virtualWait = next.map { max(0, $0.timeIntervalSince(clock.now)) } ?? .infinity
                let realWait = min(maximumIdleSeconds, max(0.01, virtualWait / clock.rate))
                await cancelWhenGracefulShutdown { await wake.wait(timeout: .milliseconds(Int(realWait * 1000))) }
            }
        }
        logger.info("dispatcher drained")
    }
}

/// Imports ledger files dropped into the inbox directory, every `intervalSeconds`.
public struct LedgerInboxService: Service {
    let service: LedgerService
    let directory: String
    let configuration: LiveConfiguration<Configuration>
    let clock: DaemonClock
    let intervalSeconds: TimeInterval
    let onImport: @Sendable () -> Void

    /// - Parameter onImport: called after a file was imported (the daemon runs the scheduler then).
    public init(service: LedgerService, directory: String, configuration: LiveConfiguration<Configuration>, clock: DaemonClock,
                intervalSeconds: TimeInterval, onImport: @escaping @Sendable () -> Void = {}) {
        self.service = service
        self.directory = directory
        self.configuration = configuration
        self.clock = clock
        self.intervalSeconds = intervalSeconds
        self.onImport = onImport
    }

    public func run() async throws {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if !service.processInbox(directory, configuration: configuration.current, now: clock.now).isEmpty { onImport() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(intervalSeconds)) }
        }
    }
}

/// Re-reads the configuration on SIGHUP: validated first; on any error the old configuration
/// stays in force and every problem is logged.
public struct ReloadService: Service {
    let path: String
    let configuration: LiveConfiguration<Configuration>
    let logger: Logger
    let willReload: @Sendable () -> Void
    let onReload: @Sendable (Bool) -> Void

    /// - Parameters:
    ///   - willReload: called before each reload (the daemon tells systemd RELOADING=1).
    ///   - onReload: called after, with whether the new configuration was taken.
    public init(path: String, configuration: LiveConfiguration<Configuration>, logger: Logger,
                willReload: @escaping @Sendable () -> Void = {}, onReload: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.path = path
        self.configuration = configuration
        self.logger = logger
        self.willReload = willReload
        self.onReload = onReload
    }

    /// Loads and, if valid, swaps the configuration; returns whether it did.
    @discardableResult
    public func reload() -> Bool {
        let outcome = ConfigLoader.load(path: path)
        guard let loaded = outcome.configuration else {
            for diagnostic in outcome.errors {
                logger.error("configuration error", metadata: ["config.problem": "\(diagnostic.description)"])
            }
            logger.error("reload refused: keeping the previous configuration", metadata: ["config.errors": "\(outcome.errors.count)"])
            return false
        }
        configuration.replace(with: loaded)
        logger.notice("configuration reloaded", metadata: ["config.projects": "\(loaded.projects.count)",
                                                          "config.warnings": "\(outcome.warnings.count)"])
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

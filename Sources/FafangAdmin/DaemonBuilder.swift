import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import Foundation
import Logging
import ServiceLifecycle

/// The one composition root: assembles the daemon from a validated runtime, with its admin server
/// (when `[admin]` is configured) and metrics. `fafang run` calls it, and so do the tests; the
/// demo runs `fafang run` itself.
public struct DaemonBuilder: Sendable {
    /// The daemon, its admin server and the metrics they share.
    public struct Assembled: Sendable {
        public let daemon: Daemon
        public let metrics: AdminMetrics
        /// The admin server, nil without `[admin]`.
        public let admin: AdminApplication?

        /// The whole service group: the admin server first (it stops last, so receipts are still
        /// taken while the dispatcher drains), then the daemon's services.
        public func serviceGroup(handlingSignals: Bool = true) -> ServiceGroup {
            daemon.serviceGroup(handlingSignals: handlingSignals, extraServices: admin.map { [$0] } ?? [])
        }

        /// Runs until shutdown, then lets the HTTP engine finish what it has.
        public func run(handlingSignals: Bool = true) async throws {
            try await serviceGroup(handlingSignals: handlingSignals).run()
            await daemon.engine.shutdown(gracePeriod: .seconds(10))
        }
    }

    /// Why the daemon could not be assembled.
    public struct BuildError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - store: the store to use; nil opens the SQLite database of the configured state directory.
    ///   - onListening: told the admin server's address once it listens (with the real port when 0 was asked for).
    public static func build(runtime: Runtime, store: (any Store)? = nil, options: Daemon.Options, metrics: AdminMetrics = AdminMetrics(),
                             logger: Logger, onListening: @escaping @Sendable (ListenAddress) async -> Void = { _ in }) throws -> Assembled {
        var options = options
        options.metrics = metrics
        let daemon: Daemon
        do {
            daemon = try Daemon(runtime: runtime, store: store, options: options, logger: logger)
        } catch {
            throw BuildError(description: "\(error)")
        }
        guard let settings = runtime.configuration.settings.admin else {
            daemon.ready.open()
            return Assembled(daemon: daemon, metrics: metrics, admin: nil)
        }
        let token: AdminToken
        do {
            token = try AdminToken.load(settings.token, store: SecretStore(configurationDirectory: runtime.configuration.directory))
        } catch {
            throw BuildError(description: "admin.token: \(error)")
        }
        var adminLogger = logger
        adminLogger[metadataKey: "component"] = "admin"
        let ready = daemon.ready
        let summary = LedgerSummary(store: daemon.store, runtime: daemon.runtime)
        let summaryLogger = adminLogger
        let dispatcherWake = daemon.dispatcherWake
        // Built whenever the admin server is: a reload that adds [inquiry] starts taking inbound SMS.
        let inquiries = InquiryService(store: daemon.store, runtime: daemon.runtime, summary: summary, clock: daemon.clock,
                                       logger: adminLogger, outboxChanged: { dispatcherWake.signal() })
        let admin = buildAdminApplication(
            settings: settings,
            dependencies: AdminDependencies(store: daemon.store, runtime: daemon.runtime, metrics: metrics, token: token, clock: daemon.clock,
                                            console: ConsoleDependencies(ledger: LedgerService(store: daemon.store, logger: adminLogger,
                                                                                               storeHealth: daemon.storeHealth),
                                                                         hooks: ConsoleHooks(daemon: daemon)),
                                            summary: summary, inquiries: inquiries, storeHealth: daemon.storeHealth),
            logger: adminLogger,
            onListening: { address in
                await onListening(address)
                // systemd hears READY=1 only now: receipts can be taken.
                ready.open()
                // The console's kept ledger view is built once now, not by the first page asked for.
                Task.detached(priority: .utility) {
                    do { try await summary.refresh() } catch {
                        summaryLogger.warning("the console's ledger view could not be built; pages will try again", metadata: ["error": "\(error)"])
                    }
                }
            })
        return Assembled(daemon: daemon, metrics: metrics, admin: admin)
    }
}

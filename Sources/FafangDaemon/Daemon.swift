import FafangConfig
import FafangCore
import FafangDelivery
import FafangStore
import Foundation
import Logging
import ServiceLifecycle

/// Builds the long-running service from a configuration: the store, the HTTP engine, the
/// gateways, the templates, and the services (scheduler, dispatcher, ledger inbox, reload) in one
/// `ServiceGroup`. `main` only parses arguments and calls this; tests call it too.
public struct Daemon: Sendable {
    public struct Options: Sendable {
        public var configPath: String
        public var clock: DaemonClock
        /// Virtual seconds between scheduler ticks.
        public var tickSeconds: TimeInterval
        /// Real seconds between looks into the ledger inbox.
        public var inboxSeconds: TimeInterval
        /// systemd's notify socket (inactive when not under systemd).
        public var notifier: SystemdNotifier
        /// Told of every delivery attempt and outcome (the admin server's Prometheus metrics).
        public var metrics: any DeliveryMetrics

        public init(configPath: String, clock: DaemonClock = .system, tickSeconds: TimeInterval = 60, inboxSeconds: TimeInterval = 5,
                    notifier: SystemdNotifier = SystemdNotifier(), metrics: any DeliveryMetrics = NoDeliveryMetrics()) {
            self.configPath = configPath
            self.clock = clock
            self.notifier = notifier
            self.metrics = metrics
            self.tickSeconds = tickSeconds
            self.inboxSeconds = inboxSeconds
        }
    }

    public let database: AppDatabase
    public let engine: CurlEngine
    public let dispatcher: Dispatcher
    public let configuration: LiveConfiguration<Configuration>
    public let services: [any Service]
    let logger: Logger

    /// Everything that can be wrong before the daemon starts (bad gateways, templates, state).
    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(configuration loaded: Configuration, options: Options, logger: Logger) throws {
        self.logger = logger
        let settings = loaded.settings
        do {
            database = try AppDatabase.open(directory: settings.stateDirectory)
        } catch {
            throw SetupError(description: "\(settings.stateDirectory): cannot open the database: \(error)")
        }
        let templates: MessageTemplates
        do {
            templates = try MessageTemplates(directory: settings.templatesDirectory)
        } catch {
            throw SetupError(description: "\(settings.templatesDirectory): \(error)")
        }
        let gateways = try Self.gateways(for: loaded)
        do {
            engine = try CurlEngine(settings: settings.delivery)
        } catch {
            throw SetupError(description: "HTTP engine: \(error)")
        }
        configuration = LiveConfiguration(loaded)
        let clock = options.clock
        // Leases guard against a crashed process, in real time: on a fast virtual clock they
        // must last as many virtual seconds as real ones pass meanwhile.
        var dispatchSettings = settings.dispatch
        dispatchSettings.leaseSeconds *= clock.rate
        let alerts = OfficeAlerts(database: database, templates: templates, configuration: configuration, clock: clock,
                                  logger: logger.with(label: "alerts"))
        dispatcher = Dispatcher(database: database, gateways: gateways, transport: engine,
                                policy: DispatchPolicy(settings: dispatchSettings, quietHours: settings.sms.quietHours, zone: settings.timeZone,
                                                       robots: Set(settings.endpoints.values.filter(\.kind.isRobot).map(\.name))),
                                logger: logger, clock: { clock.now }, hooks: alerts.hooks, metrics: options.metrics)
        let router = EventRouter(templates: templates, logger: logger)
        let enqueued = WakeSignal()
        let ledgerArrived = WakeSignal()
        let scheduler = SchedulerService(database: database, configuration: configuration, settings: settings.scheduler, clock: clock,
                                         tickSeconds: options.tickSeconds,
                                         route: { events, config, ledger, now in router.route(events, configuration: config, ledger: ledger, now: now) },
                                         logger: logger, enqueued: enqueued, wake: ledgerArrived)
        let inbox = LedgerInboxService(service: LedgerService(database: database, logger: logger),
                                       directory: settings.ledgerInbox,
                                       configuration: configuration, clock: clock, intervalSeconds: options.inboxSeconds,
                                       onImport: { ledgerArrived.signal() })
        let dispatcher = self.dispatcher
        let live = configuration
        let notifier = options.notifier
        let reload = ReloadService(path: options.configPath, configuration: configuration, logger: logger,
                                   willReload: { notifier.reloading() }) { ok in
            // Whether or not the new configuration was taken, the daemon runs on: READY again.
            notifier.ready(status: ok ? "configuration reloaded" : "reload refused; running on the previous configuration")
            guard ok else { return }
            do {
                dispatcher.replaceGateways(try Self.gateways(for: live.current))
            } catch {
                logger.error("gateways not replaced after reload", metadata: ["error": "\(error)"])
            }
        }
        let database = self.database
        let systemd = SystemdService(notifier: notifier, logger: logger) {
            let counts = (try? database.outboxCounts()) ?? [:]
            return "pending \(counts[.pending] ?? 0), sent \(counts[.sent] ?? 0), delivered \(counts[.delivered] ?? 0), dead \(counts[.dead] ?? 0)"
        }
        services = [scheduler, inbox, DispatcherService(dispatcher: dispatcher, clock: clock, wake: enqueued, logger: logger), reload, systemd]
    }

    /// The configured gateways, or every problem with them.
    public static func gateways(for configuration: Configuration) throws -> [String: any Gateway] {
        let settings = configuration.settings
        let factory = GatewayFactory(engine: settings.delivery, sms: SMSTextRules(signature: settings.sms.signature, maxSegments: settings.sms.maxSegments))
        do {
            return try factory.gateways(endpoints: settings.endpoints, smsGateways: settings.gateways)
        } catch {
            throw SetupError(description: error.description)
        }
    }

    /// The service group that runs until SIGTERM or SIGINT (when `handlingSignals`; tests
    /// trigger the shutdown themselves), then drains. `extraServices` (the admin server) start
    /// first and so stop last: receipts are still taken while the dispatcher drains.
    public func serviceGroup(handlingSignals: Bool = true, extraServices: [any Service] = []) -> ServiceGroup {
        ServiceGroup(configuration: ServiceGroupConfiguration(
            // A service that returns (they do on graceful shutdown) must not cancel the others:
            // the dispatcher finishes the sends in flight first.
            services: (extraServices + services).map {
                ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                                                               failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
            logger: logger
        ))
    }
}

extension Logger {
    /// A logger with another label and the same handler factory settings.
    func with(label: String) -> Logger {
        var copy = self
        copy[metadataKey: "component"] = "\(label)"
        return copy
    }
}

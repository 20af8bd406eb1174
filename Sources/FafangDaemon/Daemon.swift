import FafangConfig
import FafangCore
import FafangDelivery
import FafangStore
import Foundation
import Logging
import ServiceLifecycle

/// The long-running service's core, assembled from a validated `Runtime`: the store, the HTTP
/// engine, and the services (scheduler, dispatcher, ledger inbox, reload, systemd) of one
/// `ServiceGroup`. `DaemonBuilder` (FafangAdmin) adds the admin server and the metrics; `fafang
/// run`, the tests and the demo all go through it.
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
        /// Real time between tries to write again while the store is out of space.
        public var spaceRetryInterval: Duration = .seconds(5)
        /// Real time between looks at the space left on the state directory's filesystem.
        public var diskCheckInterval: Duration = .seconds(60)
        /// How that filesystem is looked at (tests give figures).
        public var measureDisk: @Sendable (String) -> DiskSpace? = DiskSpace.of

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

    public let store: any Store
    public let engine: CurlEngine
    public let dispatcher: Dispatcher<DaemonClock>
    public let runtime: LiveConfiguration<Runtime>
    public let clock: DaemonClock
    /// Opened once everything that must listen does (the admin server): systemd hears READY=1 then.
    public let ready: ReadySignal
    /// Wakes the dispatcher: messages became due now (a batch approved, a message retried, a
    /// gateway resumed).
    public let dispatcherWake: WakeSignal
    /// Wakes the scheduler: payments were recorded (its events are emitted at once).
    public let schedulerWake: WakeSignal
    /// Whether the store can be written: every writer of the daemon tells it of a write that
    /// failed for lack of space; the dispatcher, systemd's STATUS and the admin server read it.
    public let storeHealth: StoreHealth
    public let services: [any Service]
    let logger: Logger

    /// Everything that can be wrong before the daemon starts (state, HTTP engine).
    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameter store: the store to use; nil opens the SQLite database of the state directory.
    public init(runtime initial: Runtime, store given: (any Store)? = nil, options: Options, logger: Logger) throws {
        self.logger = logger
        let settings = initial.configuration.settings
        if let given {
            store = given
        } else if case .postgresql = settings.store {
            throw SetupError(description: "[store] kind = \"postgresql\": open it first (StoreOpener) and pass it in")
        } else {
            do {
                store = try SQLiteStore.open(directory: settings.stateDirectory)
            } catch {
                throw SetupError(description: "\(settings.stateDirectory): cannot open the database: \(error)")
            }
        }
        do {
            engine = try CurlEngine(settings: settings.delivery)
        } catch {
            throw SetupError(description: "HTTP engine: \(error)")
        }
        let runtime = LiveConfiguration(initial)
        self.runtime = runtime
        let clock = options.clock
        self.clock = clock
        let store = self.store
        let alerts = OfficeAlerts(store: store, runtime: runtime, clock: clock, logger: logger.with(label: "alerts"))
        let storeHealth = StoreHealth(logger: logger.with(label: "store"), retryInterval: options.spaceRetryInterval, now: { clock.now },
                                      measureDisk: options.measureDisk,
                                      watching: {
                                          let settings = runtime.current.configuration.settings
                                          return (settings.stateDirectory, settings.lowSpaceBytes)
                                      },
                                      onDiskLow: { reading in Task { await alerts.diskLow(reading) } })
        self.storeHealth = storeHealth
        let dispatcher = Dispatcher(store: store, runtime: { runtime.current.dispatch }, transport: engine, logger: logger, clock: clock,
                                    hooks: alerts.hooks, metrics: options.metrics, storeHealth: storeHealth)
        self.dispatcher = dispatcher
        let enqueued = WakeSignal()
        let schedulerWake = WakeSignal()
        dispatcherWake = enqueued
        self.schedulerWake = schedulerWake
        // A store several daemons share: one scheduler among them, woken by one another.
        let shared = store as? any SharedStore
        // A store passed in (tests) without [store] postgresql takes PostgreSQL's defaults.
        let sharing = settings.store.postgres ?? PostgresSettings(url: .file(""))
        let scheduler = SchedulerService(
            store: store, runtime: runtime, clock: clock, tickSeconds: options.tickSeconds,
            route: { events, current, ledger, now in
                EventRouter(templates: current.templates, logger: logger).route(events, configuration: current.configuration, ledger: ledger, now: now)
            },
            logger: logger, enqueued: enqueued, wake: schedulerWake, storeHealth: storeHealth,
            leadership: shared.map { SchedulerLeadership(store: $0, retrySeconds: sharing.leaderRetrySeconds) })
        let inbox = LedgerInboxService(service: LedgerService(store: store, logger: logger, storeHealth: storeHealth), runtime: runtime, clock: clock,
                                       intervalSeconds: options.inboxSeconds, onImport: { schedulerWake.signal() })
        let notifier = options.notifier
        let reload = ReloadService(path: options.configPath, runtime: runtime, logger: logger,
                                   willReload: { notifier.reloading() }) { ok in
            // Whether or not the new runtime was taken, the daemon runs on: READY again.
            notifier.ready(status: ok ? "configuration reloaded" : "reload refused; running on the previous configuration")
            if ok {
                // Unrouted events are routed again, and messages waiting for a gateway looked at.
                schedulerWake.signal()
                enqueued.signal()
            }
        }
        let ready = ReadySignal()
        self.ready = ready
        let systemd = SystemdService(notifier: notifier, logger: logger, ready: ready, statusChanged: storeHealth.changed) {
            let counts = (try? await store.outboxCounts()) ?? [:]
            storeHealth.checkDisk()
            var status = storeHealth.status.map { $0 + "; " } ?? ""
            status += "pending \(counts[.pending] ?? 0), held for approval \(counts[.held] ?? 0), sent \(counts[.sent] ?? 0), delivered \(counts[.delivered] ?? 0), dead \(counts[.dead] ?? 0)"
            let paused = dispatcher.pausedGateways.map(\.name)
            if !paused.isEmpty { status += "; PAUSED: " + paused.joined(separator: ", ") }
            return status
        }
        services = [scheduler, inbox,
                    DispatcherService(dispatcher: dispatcher, clock: clock, wake: enqueued, logger: logger,
                                      maximumIdleSeconds: shared == nil ? 30 : sharing.pollSeconds),
                    reload, systemd, DiskWatchService(health: storeHealth, interval: options.diskCheckInterval)]
            + (shared.map {
                [AnnouncementService(store: $0, outbox: enqueued, ledger: schedulerWake, logger: logger.with(label: "announcements")),
                 ClockFollowingService(store: $0, clock: clock, logger: logger.with(label: "clock"))]
            } ?? [])
    }

    /// The service group that runs until SIGTERM or SIGINT (when `handlingSignals`; tests
    /// trigger the shutdown themselves), then drains. `extraServices` (the admin server) start
    /// first and so stop last: receipts are still taken while the dispatcher drains.
    public func serviceGroup(handlingSignals: Bool = true, extraServices: [any Service] = []) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            // A service that returns (they do on graceful shutdown) must not cancel the others:
            // the dispatcher finishes the sends in flight first.
            services: (extraServices + services).map {
                ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                                                               failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
            logger: logger
        )
        // Within the unit's TimeoutStopSec (30 s): a service still running after 20 s of graceful
        // shutdown is cancelled (sends in flight end with their leases), and the group ends 5 s
        // later whatever remains, rather than waiting for systemd's SIGKILL.
        configuration.maximumGracefulShutdownDuration = .seconds(20)
        configuration.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: configuration)
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

import FafangConfig
import FafangCore
import FafangStore
import Foundation
import Logging
import ServiceLifecycle

/// The timer around the pure scheduler: every tick it reads the ledger and what was already
/// emitted, asks `Scheduler.dueEvents`, turns each event into outbox rows and enqueues them
/// together with the event's key, in one transaction.
public struct SchedulerService: Service {
    /// Turns an event into the messages it means (one per recipient and channel), given what
    /// each `project\u{1F}payee` was paid so far.
    public typealias Router = @Sendable ([DueEvent], Configuration, [String: Money], Date) -> [OutboxItem]

    let database: AppDatabase
    let configuration: LiveConfiguration<Configuration>
    let settings: SchedulerSettings
    let clock: DaemonClock
    let tickSeconds: TimeInterval
    let route: Router
    let logger: Logger
    /// Signalled after rows are enqueued (the dispatcher waits on it).
    let enqueued: WakeSignal
    /// Wakes this service before its tick (a ledger file was imported).
    let wake: WakeSignal

    public init(database: AppDatabase, configuration: LiveConfiguration<Configuration>, settings: SchedulerSettings,
                clock: DaemonClock, tickSeconds: TimeInterval, route: @escaping Router, logger: Logger,
                enqueued: WakeSignal = WakeSignal(), wake: WakeSignal = WakeSignal()) {
        self.enqueued = enqueued
        self.wake = wake
        self.database = database
        self.configuration = configuration
        self.settings = settings
        self.clock = clock
        self.tickSeconds = tickSeconds
        self.route = route
        self.logger = logger
    }

    /// One tick: returns the events emitted.
    @discardableResult
    public func tick() throws -> [DueEvent] {
        let config = configuration.current
        let now = clock.now
        let projects = config.projects.map { ScheduledProject(project: $0.project, payees: $0.payees) }
        let ledger = try database.ledger()
        let events = Scheduler.dueEvents(projects: projects, ledger: ledger, now: now, zone: config.settings.timeZone,
                                         emitted: try database.emittedKeys(), settings: settings)
        guard !events.isEmpty else { return [] }
        let today = CivilDate.of(now, in: config.settings.timeZone)
        let paid = ledger.filter { $0.date <= today }.reduce(into: [String: Money]()) { $0[$1.projectCode + "\u{1F}" + $1.payeeID, default: .zero] += $1.amount }
        let items = route(events, config, paid, now)
        let inserted = try database.enqueue(events: events, items: items, now: now)
        if inserted > 0 { enqueued.signal() }
        for event in events {
            logger.info("event due", metadata: ["event.key": "\(event.key)", "event.kind": "\(event.kind.rawValue)",
                                                "project.code": "\(event.projectCode)"])
        }
        logger.debug("scheduler tick", metadata: ["scheduler.events": "\(events.count)", "outbox.enqueued": "\(inserted)"])
        return events
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try tick()
            } catch {
                logger.error("scheduler tick failed", metadata: ["error": "\(error)"])
            }
            let real = max(0.001, tickSeconds / clock.rate)
            await cancelWhenGracefulShutdown { await wake.wait(timeout: .milliseconds(max(1, Int(real * 1000)))) }
        }
    }
}

import FafangConfig
import FafangCore
import FafangStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The timer around the pure scheduler: every tick it brings its view of the ledger up to date
/// (the payments recorded since its last look), asks `Scheduler.dueEvents`, turns each event
/// into outbox rows and enqueues them together with the event's key, in one transaction.
///
/// What a tick needs is kept between ticks: the ledger view (totals and payments not yet
/// notified) and the keys already emitted, both read whole from the store once, at the first
/// tick. A tick then costs what changed since the last one, whatever the size of the ledger.
public final class SchedulerService: Service, Sendable {
    /// Turns events into the messages they mean (one per recipient and channel), given what
    /// was paid so far.
    public typealias Router = @Sendable ([DueEvent], Configuration, LedgerView, Date) -> [OutboxItem]

    /// What the scheduler remembers between ticks.
    struct Memory {
        var ledger: LedgerView
        /// The row id of the last ledger entry in `ledger`.
        var lastLedgerID: Int64
        /// Keys of events emitted (by this process or an earlier one).
        var emitted: Set<String>
    }

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
    /// Events routed and enqueued per transaction.
    let chunkSize: Int
    private let memory = Mutex<Memory?>(nil)

    public init(database: AppDatabase, configuration: LiveConfiguration<Configuration>, settings: SchedulerSettings,
                clock: DaemonClock, tickSeconds: TimeInterval, route: @escaping Router, logger: Logger,
                enqueued: WakeSignal = WakeSignal(), wake: WakeSignal = WakeSignal(), chunkSize: Int = 500) {
        self.chunkSize = max(1, chunkSize)
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
        let today = CivilDate.of(now, in: config.settings.timeZone)
        let projects = config.projects.map { ScheduledProject(project: $0.project, payees: $0.payees) }
        return try memory.withLock { memory -> [DueEvent] in
            var current = try caughtUp(memory, today: today)
            // Payments told, dropped from the view once at the end (also when a chunk failed).
            var told = Set<String>()
            defer { memory = current }
            defer { current.ledger.dropNotified(told) }
            let events = Scheduler.dueEvents(projects: projects, ledger: current.ledger, emitted: current.emitted, settings: settings)
            guard !events.isEmpty else { return [] }
            // In chunks, each event with its messages in one transaction as always: the
            // dispatcher starts on the first chunk while later ones are still being rendered.
            var inserted = 0
            for start in stride(from: 0, to: events.count, by: chunkSize) {
                let chunk = Array(events[start..<min(start + chunkSize, events.count)])
                let items = route(chunk, config, current.ledger, now)
                let new = try database.enqueue(events: chunk, items: items, now: now)
                let keys = Set(chunk.map(\.key))
                current.emitted.formUnion(keys)
                told.formUnion(keys)
                if new > 0 { enqueued.signal() }
                inserted += new
            }
            for event in events {
                logger.info("event due", metadata: ["event.key": "\(event.key)", "event.kind": "\(event.kind.rawValue)",
                                                    "project.code": "\(event.projectCode)"])
            }
            logger.debug("scheduler tick", metadata: ["scheduler.events": "\(events.count)", "outbox.enqueued": "\(inserted)"])
            return events
        }
    }

    /// The memory brought up to `today` and the latest ledger: read whole the first time (or
    /// when the clock went back a day), otherwise only the payments recorded since.
    private func caughtUp(_ memory: Memory?, today: CivilDate) throws -> Memory {
        if var memory, memory.ledger.advance(to: today) {
            let (entries, last) = try database.ledger(after: memory.lastLedgerID)
            memory.ledger.add(entries)
            memory.lastLedgerID = last
            return memory
        }
        let (entries, last) = try database.ledger(after: 0)
        let emitted = try memory?.emitted ?? database.emittedKeys()
        var ledger = LedgerView(entries: entries, today: today)
        ledger.dropNotified(emitted)
        return Memory(ledger: ledger, lastLedgerID: last, emitted: emitted)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try tick()
            } catch {
                logger.error("scheduler tick failed", metadata: ["error": "\(error)"])
            }
            let real = max(0.001, tickSeconds / clock.rate)
            await cancelWhenGracefulShutdown { await self.wake.wait(timeout: .milliseconds(max(1, Int(real * 1000)))) }
        }
    }
}

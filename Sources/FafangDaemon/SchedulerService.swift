import FafangConfig
import FafangCore
import Foundation
import Logging
import ServiceLifecycle

/// The timer around the pure scheduler: every tick it brings its view of the ledger up to date
/// (the payments recorded since its last look), asks `Scheduler.dueEvents`, turns each event
/// into outbox messages and enqueues them together with the event, in one transaction.
///
/// What a tick needs is kept between ticks: the ledger view (totals and payments not yet
/// notified) and the keys already emitted, both read whole from the store once, at the first
/// tick. A tick then costs what changed since the last one, whatever the size of the ledger.
///
/// Events some of whose messages could not be made are routed again at the first tick and after
/// every change of the runtime (a reload): once the configuration is fixed, they go out.
///
/// Besides the projects' events, a tick tells the office of a year the holiday calendar lacks
/// (`CalendarCoverage`: each December for the next year), once per year like any other event.
///
/// A tick also wakes the dispatcher when a message is due: another process (`fafang batches
/// approve`, `fafang outbox retry`) may have made it so while the dispatcher slept.
public actor SchedulerService: Service {
    /// Turns events into the messages they mean (one per recipient and channel), given the
    /// runtime and what was paid so far.
    public typealias Router = @Sendable ([DueEvent], Runtime, LedgerView, Date) -> EventRouter.Routed

    /// What the scheduler remembers between ticks.
    struct Memory {
        var ledger: LedgerView
        /// The position of the last ledger entry in `ledger`.
        var lastLedgerID: Int64
        /// Keys of events emitted (by this process or an earlier one).
        var emitted: Set<String>
    }

    let store: any Store
    let runtime: LiveConfiguration<Runtime>
    let clock: DaemonClock
    let tickSeconds: TimeInterval
    let route: Router
    let logger: Logger
    /// Signalled after messages are enqueued (the dispatcher waits on it).
    let enqueued: WakeSignal
    /// Wakes this service before its tick (a ledger file was imported, the runtime changed).
    let wake: WakeSignal
    /// Events routed and enqueued per transaction.
    let chunkSize: Int
    /// Set on a store several daemons share: tick only while leading.
    let leadership: SchedulerLeadership?
    /// Told when a tick fails for lack of space (nothing of it was written; the next tick tries again).
    let storeHealth: StoreHealth?
    private var memory: Memory?
    /// The runtime the unrouted events were last routed with.
    private var routedWith: UUID?

    public init(store: any Store, runtime: LiveConfiguration<Runtime>, clock: DaemonClock, tickSeconds: TimeInterval,
                route: @escaping Router, logger: Logger, enqueued: WakeSignal = WakeSignal(), wake: WakeSignal = WakeSignal(),
                storeHealth: StoreHealth? = nil, chunkSize: Int = 500, leadership: SchedulerLeadership? = nil) {
        self.leadership = leadership
        self.storeHealth = storeHealth
        self.chunkSize = max(1, chunkSize)
        self.enqueued = enqueued
        self.wake = wake
        self.store = store
        self.runtime = runtime
        self.clock = clock
        self.tickSeconds = tickSeconds
        self.route = route
        self.logger = logger
    }

    /// One tick: returns the events emitted.
    @discardableResult
    public func tick() async throws -> [DueEvent] {
        let current = runtime.current
        let now = clock.now
        let today = CivilDate.of(now, in: current.configuration.settings.timeZone)
        var state = try await caughtUp(memory, today: today)
        if routedWith != current.generation {
            try await reroute(current, ledger: state.ledger, now: now)
            routedWith = current.generation
        }
        let projects = current.configuration.projects.map { ScheduledProject(project: $0.project, payees: $0.payees, deadlines: $0.deadlines) }
        var events = Scheduler.dueEvents(projects: projects, ledger: state.ledger, emitted: state.emitted,
                                         settings: current.configuration.settings.scheduler)
        // A year missing from the holiday calendar: the office is told (only when one is configured).
        if let calendar = current.configuration.holidayCalendar {
            events += CalendarCoverage.dueEvents(calendar: calendar, today: today, emitted: state.emitted)
        }
        // Payments told are dropped from the view at the end, also when a chunk failed.
        var told = Set<String>()
        defer {
            state.ledger.dropNotified(told)
            memory = state
        }
        guard !events.isEmpty else {
            try await wakeDispatcherIfDue(now: now)
            return []
        }
        // In chunks, each event with its messages in one transaction as always: the dispatcher
        // starts on the first chunk while later ones are still being rendered.
        var inserted = 0
        for start in stride(from: 0, to: events.count, by: chunkSize) {
            let chunk = Array(events[start..<min(start + chunkSize, events.count)])
            let routed = route(chunk, current, state.ledger, now)
            let new = try await store.enqueue(EnqueueBatch(events: chunk, items: routed.items, problems: routed.problems), now: now)
            let keys = Set(chunk.map(\.key))
            state.emitted.formUnion(keys)
            told.formUnion(keys)
            if new > 0 { enqueued.signal() }
            inserted += new
        }
        for event in events {
            logger.info("event due", metadata: ["event.key": "\(event.key)", "event.kind": "\(event.kind.rawValue)",
                                                "project.code": "\(event.projectCode)"])
        }
        logger.debug("scheduler tick", metadata: ["scheduler.events": "\(events.count)", "outbox.enqueued": "\(inserted)"])
        if inserted == 0 { try await wakeDispatcherIfDue(now: now) }
        return events
    }

    /// Signals the dispatcher when a message is due by `now`, whoever made it so.
    private func wakeDispatcherIfDue(now: Date) async throws {
        if let due = try await store.nextDue(), due <= now { enqueued.signal() }
    }

    /// Routes again the events kept with a problem; those now routed in full are cleared.
    private func reroute(_ current: Runtime, ledger: LedgerView, now: Date) async throws {
        let unrouted = try await store.unroutedEvents()
        guard !unrouted.isEmpty else { return }
        let events = unrouted.map(\.event)
        let routed = route(events, current, ledger, now)
        let new = try await store.enqueue(EnqueueBatch(events: events, items: routed.items, problems: routed.problems), now: now)
        if new > 0 { enqueued.signal() }
        logger.notice("events kept for want of a route were routed again", metadata: [
            "scheduler.events": "\(events.count)", "outbox.enqueued": "\(new)", "scheduler.still_unrouted": "\(routed.problems.count)",
        ])
    }

    /// The memory brought up to `today` and the latest ledger: read whole the first time (or
    /// when the clock went back a day), otherwise only the payments recorded since.
    private func caughtUp(_ memory: Memory?, today: CivilDate) async throws -> Memory {
        if var memory, memory.ledger.advance(to: today) {
            let (entries, last) = try await store.ledger(after: memory.lastLedgerID)
            memory.ledger.add(entries)
            memory.lastLedgerID = last
            return memory
        }
        let (entries, last) = try await store.ledger(after: 0)
        let emitted: Set<String>
        if let known = memory?.emitted { emitted = known } else { emitted = try await store.emittedKeys() }
        var ledger = LedgerView(entries: entries, today: today)
        ledger.dropNotified(emitted)
        return Memory(ledger: ledger, lastLedgerID: last, emitted: emitted)
    }

    public func run() async throws {
        guard let leadership else { return await ticking() }
        // On a shared store one daemon at a time is the scheduler; the others try again every
        // `retrySeconds`, and one takes over when the leader dies (its lock goes with its connection).
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let led = try await leadership.store.whileLeading(Leadership.scheduler) { [self] in
                    await self.forget()
                    self.logger.notice("this daemon runs the scheduler")
                    await self.ticking()
                }
                if led { logger.notice("this daemon no longer runs the scheduler") }
            } catch {
                logger.warning("scheduler leadership lost or not to be had; trying again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(leadership.retrySeconds)) }
        }
    }

    /// What was remembered of the store: read again whole, as another daemon may have emitted
    /// events while this one did not lead.
    private func forget() {
        memory = nil
        routedWith = nil
    }

    /// Ticks until shutdown (or cancellation: the leadership was lost).
    private func ticking() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await tick()
            } catch {
                if storeHealth?.failed(error, during: "scheduling") == true {
                    logger.warning("scheduler tick not recorded: no space; the next tick tries again")
                } else {
                    logger.error("scheduler tick failed", metadata: ["error": "\(error)"])
                }
            }
            let real = max(0.001, tickSeconds / clock.rate)
            await cancelWhenGracefulShutdown { await self.wake.wait(timeout: .milliseconds(max(1, Int(real * 1000)))) }
        }
    }
}

/// The scheduler on a store several daemons share: it ticks only while it holds the leadership.
public struct SchedulerLeadership: Sendable {
    public let store: any SharedStore
    /// Real seconds between tries to become the leader.
    public let retrySeconds: Double

    public init(store: any SharedStore, retrySeconds: Double) {
        self.store = store
        self.retrySeconds = retrySeconds
    }
}

import FafangConfig
import FafangCore
import FafangAdmin
import FafangDaemon
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The wall clock stepped by NTP while the daemon runs (issue 14): back 3 hours, then forward 3
/// hours, while sends are in flight. Every notice reaches the sink exactly once: stepping back
/// re-emits nothing (events are keyed), stepping forward expires the leases of the sends in flight
/// (leases are wall-clock instants in the store), and the dispatcher, claiming them again, does
/// not send them twice. A virtual clock does not follow the wall clock at all.
@Suite("Clock steps", .serialized)
struct ClockStepTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("−3 h then +3 h during a run, the second while sends are in flight: each notice is sent exactly once, none is skipped")
    func stepBackThenForward() async throws {
        // Set once the daemon exists; the sink steps its clock while requests are in flight.
        let clockBox = Mutex<DaemonClock?>(nil)
        let received = Mutex<[String: Int]>([:])
        let count = Atomic<Int>(0)
        let sink = try LoopbackServer(recordingRequests: false) { request in
            let number = count.add(1, ordering: .relaxed).newValue
            // A send that takes a while, so that several are in flight at each step.
            usleep(30_000)
            // Forward again while the first batch, claimed on the stepped-back clock with 60 s
            // leases, is in flight: those leases then lie 3 h in the past.
            if number == 10 { clockBox.withLock { $0?.step(by: 3 * 3600) } }
            let key = request.header("webhook-id") ?? request.header("idempotency-key") ?? "\(request.path)?\(request.query ?? "")|\(request.bodyText)"
            received.withLock { $0[key, default: 0] += 1 }
            return .text("{\"code\":\"OK\"}")
        }
        defer { sink.stop() }
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        fixture.sendEverything(to: sink.baseURL)
        fixture.holdNothing()
        // Leases shorter than 3 hours by far, and enough senders to have sends in flight.
        fixture.files["fafang.toml", default: ""] += "\n[dispatch]\nlease_seconds = 60\nconcurrency = 8\nbatch_size = 16\n"
        let root = try fixture.write()
        defer { fixture.remove() }
        let runtime = try #require(Runtime.load(path: root).runtime)
        // The real clock (the one NTP steps), so that the test steps it as NTP would.
        let clock = DaemonClock(start: nil, rate: 1)
        clockBox.withLock { $0 = clock }
        let store = try SQLiteStore.inMemory()
        let log = CapturedLog()
        let daemon = try DaemonBuilder.build(runtime: runtime, store: store, options: Daemon.Options(configPath: root, clock: clock),
                                             logger: log.logger("fafang")).daemon
        // 40 webhooks to the office due now; then the clock steps back 3 h and 80 more are made,
        // due at once on that clock. The first 40 wait for the clock to come back; the 80 go.
        func enqueue(_ range: Range<Int>) async throws {
            let now = clock.now
            let items = range.map { index in
                OutboxItem(idempotencyKey: "step-\(index)", eventKey: "step-event-\(index)", kind: .paymentRecorded, projectCode: "RENT01",
                           channel: .webhook, gateway: "finance-office", recipient: "finance-office", village: nil, payeeID: nil,
                           text: "通知 \(index)", title: nil, notBefore: now)
            }
            _ = try await store.enqueue(EnqueueBatch(events: items.map { DueEvent(key: $0.eventKey, kind: .paymentRecorded, projectCode: "RENT01",
                                                                                   audiences: [], facts: .init()) }, items: items), now: now)
        }
        try await enqueue(0..<40)
        clock.step(by: -3 * 3600)
        try await enqueue(40..<120)
        let scheduler = try #require(daemon.services.first { $0 is SchedulerService } as? SchedulerService)
        _ = try await scheduler.tick()
        // Work off the outbox, ticking the scheduler between drains as the daemon does.
        var rounds = 0
        while try await daemon.dispatcher.drain() > 0 || rounds == 0 {
            _ = try await scheduler.tick()
            rounds += 1
            #expect(rounds < 50, "the outbox never emptied")
            if rounds >= 50 { break }
        }
        _ = try await scheduler.tick()
        while try await daemon.dispatcher.drain() > 0 {}

        let counts = try await store.outboxCounts()
        let total = counts.values.reduce(0, +)
        let twice = received.withLock { $0.filter { $0.value > 1 } }
        #expect(count.load(ordering: .relaxed) >= 10, "the forward step happened during the run")
        #expect(log.text.contains("claimed again while still being sent"), "the forward step expired leases of sends in flight")
        #expect(twice.isEmpty, "sent more than once: \(twice.keys.sorted().prefix(10))")
        #expect((counts[.delivered] ?? 0) + (counts[.sent] ?? 0) == total, "\(counts)")
        let made = received.withLock { seen in (0..<120).filter { seen["step-\($0)"] == 1 }.count }
        #expect(made == 120, "each of the 120 webhooks reached the sink exactly once")
        await daemon.engine.shutdown()
    }

    @Test("a virtual clock goes by elapsed time, not by the wall clock")
    func virtualClockIsMonotonic() {
        let start = Date(timeIntervalSince1970: 1_609_459_200)
        let clock = DaemonClock(start: start, rate: 1)
        #expect(!clock.isReal)
        #expect(abs(clock.now.timeIntervalSince(start)) < 5)
        clock.step(by: 3600)
        #expect(abs(clock.now.timeIntervalSince(start) - 3600) < 5)
        #expect(DaemonClock(start: nil, rate: 1).isReal)
    }
}

import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Testing

/// The scheduler service keeps its ledger view and the emitted keys between ticks: payments
/// recorded later (by this process or another) are told once, a restart tells nothing twice,
/// and a tick's events are enqueued in chunks without losing any.
@Suite("Scheduler service memory")
struct SchedulerServiceTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Rig {
        let fixture: ConfigFixture
        let runtime: LiveConfiguration<Runtime>
        let database: SQLiteStore
        let clock: DaemonClock
        let today: CivilDate

        init(smsGateway: Bool = true) throws {
            var fixture = ConfigFixture()
            fixture.useTemplates(at: SchedulerServiceTests.repository.appendingPathComponent("Templates").path)
            // An SMS gateway, so that payees are told (nothing is sent: no dispatcher runs).
            if smsGateway { fixture.addSMSGateway(url: "http://127.0.0.1:9/sms") }
            self.fixture = fixture
            let load = Runtime.load(path: try fixture.write())
            let runtime = try #require(load.runtime, "\(load.diagnostics)")
            let configuration = runtime.configuration
            self.runtime = LiveConfiguration(runtime)
            database = try SQLiteStore.inMemory()
            // 2021-06-20 10:00 in Shanghai, a clock that all but stands still.
            today = CivilDate(iso: "2021-06-20")!
            clock = DaemonClock(start: today.start(in: configuration.settings.timeZone).addingTimeInterval(10 * 3600), rate: 1e-6)
        }

        func service(chunkSize: Int = 500) throws -> SchedulerService {
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            return SchedulerService(store: database, runtime: runtime, clock: clock, tickSeconds: 60,
                                    route: { EventRouter(templates: $1.templates, logger: logger).route($0, configuration: $1.configuration, ledger: $2, now: $3) },
                                    logger: logger, chunkSize: chunkSize)
        }

        /// Records a payment as another process would: straight into the store.
        func pay(_ payee: String, _ yuan: Int64, on date: String, ref: String) async throws {
            let entry = LedgerEntry(projectCode: "RENT01", payeeID: payee, amount: .yuan(yuan), date: CivilDate(iso: date)!, bankReference: ref)
            _ = try await database.recordLedger([entry], source: "test", now: clock.now) { _, _ in nil }
        }
    }

    func payments(_ events: [DueEvent]) -> [String] { events.filter { $0.kind == .paymentRecorded }.map(\.key).sorted() }

    @Test("payments recorded between ticks are told once; a restarted service tells nothing twice")
    func laterPaymentsAndRestart() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        try await rig.pay("H1", 1000, on: "2021-06-01", ref: "B1")
        let scheduler = try rig.service()
        #expect(payments(try await scheduler.tick()) == ["paid:RENT01:B1"])
        #expect(try await scheduler.tick().isEmpty)

        try await rig.pay("H2", 500, on: "2021-06-19", ref: "B2")
        try await rig.pay("H1", 100, on: "2021-06-30", ref: "B3")  // dated after today: not yet
        #expect(payments(try await scheduler.tick()) == ["paid:RENT01:B2"])

        let rowsBefore = try await rig.database.outboxCounts().values.reduce(0, +)
        let restarted = try rig.service()
        #expect(try await restarted.tick().isEmpty)
        #expect(try await rig.database.outboxCounts().values.reduce(0, +) == rowsBefore)
        let told = try await rig.database.deliveries(DeliveryFilter()).filter { $0.message.kind == .paymentRecorded }
        #expect(told.compactMap(\.message.item.payeeID).sorted() == ["H1", "H2"], "one SMS per payment told, nothing twice")
    }

    @Test("a tick's events go into the outbox in chunks, every one of them, each with its event")
    func chunks() async throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        for index in 0..<7 {
            try await rig.pay(index % 2 == 0 ? "H1" : "H2", 10, on: "2021-06-0\(index + 1)", ref: "C\(index)")
        }
        let scheduler = try rig.service(chunkSize: 2)
        let events = try await scheduler.tick()
        #expect(payments(events).count == 7)
        #expect(try await rig.database.emittedKeys().isSuperset(of: Set(events.map(\.key))))
        let smsRows = try await rig.database.deliveries(DeliveryFilter()).filter { $0.message.kind == .paymentRecorded }
        #expect(smsRows.count == 7)
        #expect(try await rig.service(chunkSize: 3).tick().isEmpty)
    }

    /// On main before the lifecycle, an event whose SMS had no gateway was marked emitted and
    /// its message never made: fixing the configuration sent nothing.
    @Test("a message that cannot be routed is kept, and goes out once the configuration is fixed and reloaded")
    func unroutedIsKeptUntilFixed() async throws {
        let rig = try Rig(smsGateway: false)
        defer { rig.fixture.remove() }
        try await rig.pay("H1", 1000, on: "2021-06-01", ref: "B1")
        let scheduler = try rig.service()
        #expect(payments(try await scheduler.tick()) == ["paid:RENT01:B1"])
        let kept = try await rig.database.unroutedEvents()
        #expect(kept.map(\.event.key) == ["paid:RENT01:B1"])
        #expect(kept.first?.problem.contains("no SMS gateway") == true)
        #expect(try await rig.database.deliveries(DeliveryFilter()).filter { $0.message.channel == .sms }.isEmpty)
        // The office adds the gateway and reloads: the same event is routed again, once.
        var fixed = rig.fixture
        fixed.addSMSGateway(url: "http://127.0.0.1:9/sms")
        let reloaded = try #require(Runtime.load(path: try fixed.write()).runtime)
        rig.runtime.replace(with: reloaded)
        #expect(try await scheduler.tick().isEmpty)
        #expect(try await rig.database.unroutedEvents().isEmpty)
        let sms = try await rig.database.deliveries(DeliveryFilter()).filter { $0.message.channel == .sms }
        #expect(sms.map(\.message.item.payeeID) == ["H1"])
        #expect(sms.first?.message.item.templateParameters["payee_name"] != nil, "cloud SMS parameters stored with it")
        #expect(try await scheduler.tick().isEmpty)
        #expect(try await rig.database.deliveries(DeliveryFilter()).filter { $0.message.channel == .sms }.count == 1)
    }
}

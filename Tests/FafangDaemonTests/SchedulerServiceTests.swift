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
        let configuration: LiveConfiguration<Configuration>
        let database: AppDatabase
        let clock: DaemonClock
        let today: CivilDate

        init() throws {
            var fixture = ConfigFixture()
            fixture.useTemplates(at: SchedulerServiceTests.repository.appendingPathComponent("Templates").path)
            // An SMS gateway, so that payees are told (nothing is sent: no dispatcher runs).
            fixture.addSMSGateway(url: "http://127.0.0.1:9/sms")
            self.fixture = fixture
            let loaded = ConfigLoader.load(path: try fixture.write())
            let configuration = try #require(loaded.configuration, "\(loaded.diagnostics)")
            self.configuration = LiveConfiguration(configuration)
            database = try AppDatabase.inMemory()
            // 2021-06-20 10:00 in Shanghai, a clock that all but stands still.
            today = CivilDate(iso: "2021-06-20")!
            clock = DaemonClock(start: today.start(in: configuration.settings.timeZone).addingTimeInterval(10 * 3600), rate: 1e-6)
        }

        func service(chunkSize: Int = 500) throws -> SchedulerService {
            let router = EventRouter(templates: try MessageTemplates(directory: configuration.current.settings.templatesDirectory),
                                     logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            return SchedulerService(database: database, configuration: configuration, settings: configuration.current.settings.scheduler,
                                    clock: clock, tickSeconds: 60,
                                    route: { router.route($0, configuration: $1, ledger: $2, now: $3) },
                                    logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, chunkSize: chunkSize)
        }

        /// Records a payment as another process would: straight into the store.
        func pay(_ payee: String, _ yuan: Int64, on date: String, ref: String) throws {
            let entry = LedgerEntry(projectCode: "RENT01", payeeID: payee, amount: .yuan(yuan), date: CivilDate(iso: date)!, bankReference: ref)
            _ = try database.recordLedger([entry], source: "test", now: clock.now) { _, _ in nil }
        }
    }

    func payments(_ events: [DueEvent]) -> [String] { events.filter { $0.kind == .paymentRecorded }.map(\.key).sorted() }

    @Test("payments recorded between ticks are told once; a restarted service tells nothing twice")
    func laterPaymentsAndRestart() throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        try rig.pay("H1", 1000, on: "2021-06-01", ref: "B1")
        let scheduler = try rig.service()
        #expect(payments(try scheduler.tick()) == ["paid:RENT01:B1"])
        #expect(try scheduler.tick().isEmpty)

        try rig.pay("H2", 500, on: "2021-06-19", ref: "B2")
        try rig.pay("H1", 100, on: "2021-06-30", ref: "B3")  // dated after today: not yet
        #expect(payments(try scheduler.tick()) == ["paid:RENT01:B2"])

        let rowsBefore = try rig.database.outboxCounts().values.reduce(0, +)
        let restarted = try rig.service()
        #expect(try restarted.tick().isEmpty)
        #expect(try rig.database.outboxCounts().values.reduce(0, +) == rowsBefore)
        let told = try rig.database.deliveries(AppDatabase.DeliveryFilter()).filter { $0.row.kind == DueEvent.Kind.paymentRecorded.rawValue }
        #expect(told.compactMap(\.row.payeeID).sorted() == ["H1", "H2"], "one SMS per payment told, nothing twice")
    }

    @Test("a tick's events go into the outbox in chunks, every one of them, each with its event")
    func chunks() throws {
        let rig = try Rig()
        defer { rig.fixture.remove() }
        for index in 0..<7 {
            try rig.pay(index % 2 == 0 ? "H1" : "H2", 10, on: "2021-06-0\(index + 1)", ref: "C\(index)")
        }
        let scheduler = try rig.service(chunkSize: 2)
        let events = try scheduler.tick()
        #expect(payments(events).count == 7)
        #expect(try rig.database.emittedKeys().isSuperset(of: Set(events.map(\.key))))
        let smsRows = try rig.database.deliveries(AppDatabase.DeliveryFilter()).filter { $0.row.kind == DueEvent.Kind.paymentRecorded.rawValue }
        #expect(smsRows.count == 7)
        #expect(try rig.service(chunkSize: 3).tick().isEmpty)
    }
}

import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Testing

/// The holiday calendar through the daemon as `fafang run` assembles it, with the bundled
/// calendar file: an SMS due on 国庆节 waits for the next working day's morning (across a
/// restart), and the office is told once of a year the calendar lacks.
@Suite("Daemon and the holiday calendar", .serialized)
struct CalendarDaemonTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    static func shanghai(_ date: String, _ hour: Double) -> Date {
        CivilDate(iso: date)!.start(in: zone).addingTimeInterval(hour * 3600)
    }

    /// A sink, and the fixture written with the bundled calendar and everything sent to the sink.
    func setUp() throws -> (sink: LoopbackServer, fixture: ConfigFixture, root: String) {
        let sink = try LoopbackServer { _ in .text("{\"code\":\"OK\"}") }
        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.repository.appendingPathComponent("Templates").path)
        fixture.sendEverything(to: sink.baseURL)
        try fixture.useHolidayCalendar(deadlinePolicy: "next_working_day")
        return (sink, fixture, try fixture.write())
    }

    /// A daemon on `root`'s configuration and state, its clock standing (all but) still at `start`.
    func daemon(_ root: String, at start: Date) throws -> Daemon {
        let load = Runtime.load(path: root)
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        return try DaemonBuilder.build(runtime: runtime, options: Daemon.Options(configPath: root, clock: DaemonClock(start: start, rate: 1e-6)),
                                       logger: logger).daemon
    }

    /// One scheduler tick through the daemon's own service, then the dispatcher until nothing is due.
    func runUntilQuiet(_ daemon: Daemon) async throws -> [DueEvent] {
        let scheduler = try #require(daemon.services.first { $0 is SchedulerService } as? SchedulerService)
        let events = try await scheduler.tick()
        while try await daemon.dispatcher.runOnce() > 0 {}
        return events
    }

    @Test("a payment told on 国庆节 2021 reaches the household at 08:00 on 10月8日, after a restart")
    func holidaySMSThroughTheDaemon() async throws {
        let (sink, fixture, root) = try setUp()
        defer {
            sink.stop()
            fixture.remove()
        }

        let first = try daemon(root, at: Self.shanghai("2021-10-01", 10))
        let configuration = try #require(Runtime.load(path: root).runtime?.configuration)
        _ = try await LedgerService(store: first.store, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            .record([LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(2160), date: CivilDate(iso: "2021-09-30")!,
                                 bankReference: "BANK-NATIONAL-DAY")], source: "test", configuration: configuration, now: first.clock.now)
        let events = try await runUntilQuiet(first)
        #expect(events.contains { $0.kind == .paymentRecorded })
        // Approved on the holiday, it is due at once; the dispatcher then holds it for the holiday.
        let batch = try #require(try await first.store.approvalBatches(states: [.open], limit: 10).first)
        let approver = OperatorAccount(name: "li", displayName: "李审核", role: .approver, passwordHash: nil)
        let decided = try await ApprovalService(store: first.store, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            .decide(batch, .approve, by: approver, now: first.clock.now)
        #expect(decided.map(\.state) == .success(.approved))
        _ = try await runUntilQuiet(first)
        #expect(!sink.requests.contains { $0.path == "/sms" }, "held on the holiday")
        let held = try #require(try await first.store.deliveries(DeliveryFilter()).first { $0.message.channel == .sms })
        #expect(held.message.state == .pending)
        #expect(held.message.nextAttemptAt == Self.shanghai("2021-10-08", 8))
        #expect(held.attempts.isEmpty)
        await first.engine.shutdown()

        // 10月8日 08:00: the restarted daemon sends it, once.
        let second = try daemon(root, at: Self.shanghai("2021-10-08", 8))
        _ = try await runUntilQuiet(second)
        let sms = sink.requests.filter { $0.path == "/sms" }
        #expect(sms.count == 1)
        #expect(String(decoding: try #require(sms.first).body, as: UTF8.self).contains("王一您好"))
        await second.engine.shutdown()
    }

    @Test("December 2026: the office is told once that 2027 is missing, not again after a restart")
    func uncoveredYearAlert() async throws {
        let (sink, fixture, root) = try setUp()
        defer {
            sink.stop()
            fixture.remove()
        }
        func calendarAlerts() -> [String] {
            sink.requests.filter { $0.path == "/office" }.map { String(decoding: $0.body, as: UTF8.self) }.filter { $0.contains("节假日安排缺失提醒") }
        }

        let november = try daemon(root, at: Self.shanghai("2026-11-30", 10))
        #expect(try await runUntilQuiet(november).filter { $0.kind == .calendarUncovered }.isEmpty)
        await november.engine.shutdown()

        let december = try daemon(root, at: Self.shanghai("2026-12-01", 10))
        let told = try await runUntilQuiet(december).filter { $0.kind == .calendarUncovered }
        #expect(told.map(\.key) == ["calendar:uncovered:2027"])
        let alerts = calendarAlerts()
        #expect(alerts.count == 1)
        #expect(alerts.first?.contains("2027年") == true)
        #expect(alerts.first?.contains("只到2026年") == true)
        #expect(alerts.first?.contains("calendar/cn-holidays.csv") == true)
        await december.engine.shutdown()

        for day in ["2026-12-20", "2027-01-04"] {
            let later = try daemon(root, at: Self.shanghai(day, 10))
            #expect(try await runUntilQuiet(later).filter { $0.kind == .calendarUncovered }.isEmpty, "\(day)")
            await later.engine.shutdown()
        }
        #expect(calendarAlerts().count == 1)
    }

    @Test("the office adds the 2027 notice and reloads (SIGHUP): no reminder, and 2027's holidays hold SMS")
    func editedCalendarReloaded() async throws {
        let (sink, fixture, root) = try setUp()
        defer {
            sink.stop()
            fixture.remove()
        }
        let december = try daemon(root, at: Self.shanghai("2026-12-01", 10))
        let notice = "国务院办公厅关于2027年部分节假日安排的通知"
        let file = root + "/calendar/cn-holidays.csv"
        let edited = try String(contentsOfFile: file, encoding: .utf8) + "2027,off,2027-01-01,,元旦,\(notice),,\n"
        try Data(edited.utf8).write(to: URL(fileURLWithPath: file))
        let reload = try #require(december.services.first { $0 is ReloadService } as? ReloadService)
        #expect(reload.reload())
        #expect(december.runtime.current.configuration.holidayCalendar?.coveredYears.last == 2027)
        #expect(try await runUntilQuiet(december).filter { $0.kind == .calendarUncovered }.isEmpty)
        #expect(december.runtime.current.dispatch.quietDays.isQuiet(CivilDate(iso: "2027-01-01")!))
        await december.engine.shutdown()
    }
}

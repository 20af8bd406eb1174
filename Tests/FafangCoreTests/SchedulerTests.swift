import FafangCore
import Foundation
import Testing

@Suite("Scheduler (pure)")
struct SchedulerTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// 100,000.00 元, 25/50/75/100 % by the ends of March, June, October and December 2021, two households
    /// owed 60,000 and 40,000 in villages 甲村 and 乙村.
    static func fixture(budget: Int64 = 100_000) -> ScheduledProject {
        let project = Project(
            code: "P1", name: "租地费", kind: .landRent, year: 2021,
            budget: Budget(total: .yuan(budget), fiscal: .yuan(budget), other: .zero), purpose: "",
            plan: [(3, 25), (6, 50), (10, 75), (12, 100)].map {
                Milestone(deadline: CivilDate.endOf(month: $0.0, year: 2021)!, cumulative: .whole(Int64($0.1)))
            },
            goals: [], indicators: []
        )
        let households = [
            Household(id: "H1", name: "王一", village: "甲村", phone: PhoneNumber("17000000001"), cardTail: "1111",
                      area: Acreage(centimu: 1000), rate: .yuan(2000), years: 3),
            Household(id: "H2", name: "王二", village: "乙村", phone: PhoneNumber("17000000002"), cardTail: "2222",
                      area: Acreage(centimu: 1000), rate: .yuan(2000), years: 2),
        ]
        return ScheduledProject(project: project, payees: households.map { Payee($0) })
    }

    /// Noon, local time, on `date`.
    static func noon(_ date: String) -> Date {
        CivilDate(iso: date)!.start(in: zone).addingTimeInterval(12 * 3600)
    }

    static func paid(_ amount: Int64, on date: String, to payee: String = "H1", ref: String) -> LedgerEntry {
        LedgerEntry(projectCode: "P1", payeeID: payee, amount: .yuan(amount), date: CivilDate(iso: date)!, bankReference: ref)
    }

    func due(_ ledger: [LedgerEntry], at date: String, emitted: Set<String> = [], settings: SchedulerSettings = SchedulerSettings()) -> [DueEvent] {
        Scheduler.dueEvents(projects: [Self.fixture()], ledger: ledger, now: Self.noon(date), zone: Self.zone,
                            emitted: emitted, settings: settings)
    }

    @Test("approach warnings: T-14, T-7, T-1 when behind; none when on track or outside the windows", arguments: [
        ("2021-03-16", 0, nil), ("2021-03-17", 0, "T-14"), ("2021-03-24", 0, "T-7"), ("2021-03-30", 0, "T-1"),
        ("2021-03-31", 0, "T-1"), ("2021-03-10", 0, nil), ("2021-03-17", 25_000, nil), ("2021-06-16", 25_000, "T-14"),
        ("2021-12-17", 75_000, "T-14"), ("2021-12-30", 99_999, "T-1"),
    ] as [(String, Int64, String?)])
    func approaching(date: String, paidSoFar: Int64, expected: String?) {
        let ledger = paidSoFar > 0 ? [Self.paid(paidSoFar, on: "2021-01-05", ref: "B1")] : []
        let events = due(ledger, at: date).filter { $0.kind == .milestoneApproaching }
        #expect(events.map { String($0.key.split(separator: ":").last!) } == (expected.map { [$0] } ?? []))
        if let event = events.first {
            #expect(event.audiences.first == .financeOffice)
            #expect(event.facts.grade != .onTrack)
        }
    }

    @Test("grading: ≤ 5 percentage points behind is slight, more is behind", arguments: [
        (25_000, ProgressGrade.onTrack), (20_000, .slightlyBehind), (19_999, .behind), (24_999, .slightlyBehind), (0, .behind),
    ] as [(Int64, ProgressGrade)])
    func grading(paid: Int64, grade: ProgressGrade) {
        #expect(ProgressGrade.of(paid: .yuan(paid), target: .yuan(25_000), budget: .yuan(100_000), slightThreshold: .whole(5)) == grade)
    }

    @Test func paymentNoticesGoToThePayeeOnceAndOnlyFromTheirDate() {
        let ledger = [Self.paid(30_000, on: "2021-02-01", ref: "B1"), Self.paid(40_000, on: "2021-02-10", to: "H2", ref: "B2")]
        let early = due(ledger, at: "2021-02-05").filter { $0.kind == .paymentRecorded }
        #expect(early.map(\.key) == ["paid:P1:B1"])
        #expect(early.first?.audiences == [.payee("H1")])
        #expect(early.first?.facts.amount == .yuan(30_000))
        let later = due(ledger, at: "2021-02-11", emitted: Set(early.map(\.key))).filter { $0.kind == .paymentRecorded }
        #expect(later.map(\.key) == ["paid:P1:B2"])
    }

    @Test("running twice, or after a crash, emits nothing twice")
    func idempotent() {
        let ledger = [Self.paid(10_000, on: "2021-03-01", ref: "B1")]
        let first = due(ledger, at: "2021-03-20")
        #expect(!first.isEmpty)
        let again = due(ledger, at: "2021-03-20", emitted: Set(first.map(\.key)))
        #expect(again.isEmpty)
        // The next day brings nothing new either (same T-14 window).
        #expect(due(ledger, at: "2021-03-21", emitted: Set(first.map(\.key))).isEmpty)
    }

    @Test func overdueRepeatsWeeklyThenCaughtUpOnce() {
        var emitted = Set<String>()
        var ledger = [Self.paid(10_000, on: "2021-03-01", ref: "B1")]
        func overdue(_ date: String) -> [DueEvent] {
            let events = due(ledger, at: date, emitted: emitted)
            emitted.formUnion(events.map(\.key))
            return events.filter { $0.kind == .milestoneOverdue || $0.kind == .caughtUp }
        }
        #expect(overdue("2021-04-01").map(\.key) == ["milestone:P1:2021-03-31:overdue:0"])
        #expect(overdue("2021-04-07").isEmpty)
        #expect(overdue("2021-04-08").map(\.key) == ["milestone:P1:2021-03-31:overdue:1"])
        #expect(overdue("2021-04-08").isEmpty)
        ledger.append(Self.paid(15_000, on: "2021-04-09", to: "H2", ref: "B2"))
        let caught = overdue("2021-04-10")
        #expect(caught.map(\.key) == ["milestone:P1:2021-03-31:caught-up"])
        #expect(caught.first?.facts.paid == .yuan(25_000))
        #expect(overdue("2021-04-20").isEmpty)
    }

    @Test("year end: the last milestone is overdue into the next year until met")
    func yearEnd() {
        let ledger = [Self.paid(99_000, on: "2021-12-01", ref: "B1")]
        let events = due(ledger, at: "2022-01-01").filter { $0.kind == .milestoneOverdue }
        #expect(events.map(\.key) == ["milestone:P1:2021-12-31:overdue:0"])
        #expect(events.first?.facts.daysOverdue == 1)
        #expect(events.first?.facts.grade == .slightlyBehind)
        // On the deadline day itself it is approaching (T-1), not overdue.
        #expect(due(ledger, at: "2021-12-31").map(\.kind) == [.paymentRecorded, .milestoneApproaching])
    }

    @Test func alertsNameOnlyVillagesWithUnpaidPayees() {
        let ledger = [Self.paid(60_000, on: "2021-01-05", to: "H1", ref: "B1")]
        let events = due(ledger, at: "2021-12-20").filter { $0.kind == .milestoneApproaching }
        #expect(events.first?.audiences == [.financeOffice, .village("乙村")])
    }

    @Test func inProgressNoticeIsOffByDefaultAndOncePerPayee() {
        #expect(due([], at: "2021-04-08").allSatisfy { $0.kind != .paymentInProgress })
        let settings = SchedulerSettings(inProgressNotice: true)
        // H1 (60,000) is covered by the October milestone (75,000 ≥ 60,000), H2 by December.
        #expect(due([], at: "2021-11-06", settings: settings).filter { $0.kind == .paymentInProgress }.isEmpty)
        let events = due([], at: "2021-11-07", settings: settings).filter { $0.kind == .paymentInProgress }
        #expect(events.map(\.key) == ["in-progress:P1:H1:2021-10-31"])
        #expect(events.first?.audiences == [.payee("H1")])
    }
}

import FafangCore
import Foundation
import Testing

/// The scheduler on a milestone written on 2024-10-01 (国庆节): warnings and overdue reports count
/// from the day it falls due, warnings optionally in working days; and the office's reminder
/// of a year the calendar lacks.
@Suite("Scheduler and the holiday calendar")
struct CalendarSchedulingTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    static func project(_ rule: DeadlineRule) -> ScheduledProject {
        let project = Project(code: "P24", name: "租地费", kind: .landRent, year: 2024,
                              budget: Budget(total: .yuan(100_000), fiscal: .yuan(100_000), other: .zero), purpose: "",
                              plan: [Milestone(deadline: CivilDate(iso: "2024-10-01")!, cumulative: .whole(50)),
                                     Milestone(deadline: CivilDate(iso: "2024-12-31")!, cumulative: .whole(100))],
                              goals: [], indicators: [])
        let household = Household(id: "H1", name: "王一", village: "甲村", phone: PhoneNumber("17000000001"), cardTail: "1111",
                                  area: Acreage(centimu: 5000), rate: .yuan(2000), years: 1)
        return ScheduledProject(project: project, payees: [Payee(household)], deadlines: rule)
    }

    static let shifted = DeadlineRule(policy: .nextWorkingDay, calendar: HolidayCalendarTests.autumn2024)
    static let written = DeadlineRule(policy: .asWritten, calendar: HolidayCalendarTests.autumn2024)

    func events(_ rule: DeadlineRule, on date: String, settings: SchedulerSettings = SchedulerSettings()) -> [DueEvent] {
        let noon = CivilDate(iso: date)!.start(in: Self.zone).addingTimeInterval(12 * 3600)
        return Scheduler.dueEvents(projects: [Self.project(rule)], ledger: [], now: noon, zone: Self.zone, emitted: [], settings: settings)
            .filter { $0.kind != .paymentRecorded }
    }

    func keys(_ events: [DueEvent]) -> [String] { events.map(\.key) }

    @Test("moved to 10月8日: on the written day a week is left, and nothing is overdue before 10月9日")
    func shiftedDeadline() throws {
        let onTheDay = events(Self.shifted, on: "2024-10-01")
        #expect(keys(onTheDay) == ["milestone:P24:2024-10-01:approaching:T-7"], "the key names the milestone as written")
        #expect(onTheDay.first?.facts.deadline == CivilDate(iso: "2024-10-08"))
        #expect(onTheDay.first?.facts.daysLeft == 7)
        #expect(keys(events(Self.shifted, on: "2024-10-08")) == ["milestone:P24:2024-10-01:approaching:T-1"])
        let overdue = try #require(events(Self.shifted, on: "2024-10-09").first)
        #expect(overdue.key == "milestone:P24:2024-10-01:overdue:0")
        #expect(overdue.facts.daysOverdue == 1)
        // As written: due on the holiday itself, overdue the day after.
        #expect(keys(events(Self.written, on: "2024-10-01")) == ["milestone:P24:2024-10-01:approaching:T-1"])
        #expect(events(Self.written, on: "2024-10-02").first?.facts.daysOverdue == 1)
    }

    @Test("warnings in working days: 1 working day before 10月8日 is 9月30日, before the holiday")
    func workingDayWarnings() {
        let working = SchedulerSettings(approachDays: [5, 1], approachDaysUnit: .workingDays)
        let calendarDays = SchedulerSettings(approachDays: [5, 1])
        #expect(keys(events(Self.shifted, on: "2024-09-30", settings: working)) == ["milestone:P24:2024-10-01:approaching:T-1"])
        #expect(keys(events(Self.shifted, on: "2024-09-30", settings: calendarDays)).isEmpty, "8 calendar days left")
        // 9月27日 (Friday): 9月29日 (a Sunday worked), 9月30日 and 10月8日 are left.
        #expect(keys(events(Self.shifted, on: "2024-09-27", settings: working)) == ["milestone:P24:2024-10-01:approaching:T-5"])
        #expect(keys(events(Self.shifted, on: "2024-09-20", settings: working)).isEmpty)
    }

    @Test("an uncovered year: told in December for the next year, once, by its key")
    func uncoveredYear() throws {
        let calendar = HolidayCalendarTests.autumn2024
        func due(_ date: String, emitted: Set<String> = []) -> [DueEvent] {
            CalendarCoverage.dueEvents(calendar: calendar, today: CivilDate(iso: date)!, emitted: emitted)
        }
        #expect(due("2024-11-30").isEmpty)
        let december = try #require(due("2024-12-01").first)
        #expect(december.key == "calendar:uncovered:2025")
        #expect(december.kind == .calendarUncovered)
        #expect(december.audiences == [.financeOffice])
        #expect(december.facts.uncoveredYear == 2025)
        #expect(december.facts.coveredThrough == 2024)
        #expect(due("2024-12-31", emitted: [december.key]).isEmpty)
        #expect(due("2025-03-01", emitted: [december.key]).isEmpty, "the year itself is not told again")
        #expect(due("2025-03-01").map(\.key) == ["calendar:uncovered:2025"], "a daemon first started in an uncovered year tells it")
        #expect(due("2025-12-01", emitted: [december.key]).map(\.key) == ["calendar:uncovered:2026"])
        #expect(CalendarCoverage.dueEvents(calendar: .weekOnly, today: CivilDate(iso: "2024-12-01")!, emitted: []).first?.facts.coveredThrough == nil)
    }
}

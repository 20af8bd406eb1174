import FafangCore
import Foundation
import Testing

/// The calendar's rules on the days of 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号)
/// as its text gives them: 中秋节 9月15日至17日放假调休，9月14日（星期六）上班；国庆节 10月1日至7日放假调休，
/// 9月29日（星期日）、10月12日（星期六）上班.
@Suite("Holiday calendar and deadline rule")
struct HolidayCalendarTests {
    static func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    static func range(_ kind: CalendarRange.Kind, _ first: String, _ last: String? = nil, name: String) -> CalendarRange {
        CalendarRange(year: 2024, kind: kind, first: day(first), last: day(last ?? first), name: name,
                      notice: HolidayNotice(title: "国务院办公厅关于2024年部分节假日安排的通知", document: "国办发明电〔2023〕7号",
                                            published: day("2023-10-25")))
    }

    static let autumn2024 = HolidayCalendar(ranges: [
        range(.work, "2024-09-14", name: "中秋"),
        range(.off, "2024-09-15", "2024-09-17", name: "中秋"),
        range(.work, "2024-09-29", name: "国庆节"),
        range(.off, "2024-10-01", "2024-10-07", name: "国庆节"),
        range(.work, "2024-10-12", name: "国庆节"),
    ])

    @Test("ISO weekdays, before and after 1970", arguments: [
        ("1970-01-01", 4), ("2024-10-01", 2), ("2024-09-29", 7), ("2024-10-12", 6), ("1949-10-01", 6), ("2000-02-29", 2),
    ])
    func weekdays(date: String, weekday: Int) {
        #expect(Self.day(date).weekday == weekday)
    }

    @Test func daysOfTheNotice() {
        let calendar = Self.autumn2024
        #expect(calendar.day(Self.day("2024-10-01")) == .holiday(name: "国庆节"))
        #expect(calendar.day(Self.day("2024-10-05")) == .holiday(name: "国庆节"), "a Saturday inside the holiday")
        #expect(calendar.day(Self.day("2024-09-29")) == .adjustedWorkday(name: "国庆节"))
        #expect(calendar.day(Self.day("2024-10-08")) == .workday)
        #expect(calendar.day(Self.day("2024-10-13")) == .weekend)
        #expect(calendar.isWorkingDay(Self.day("2024-10-12")))
        #expect(!calendar.isWorkingDay(Self.day("2024-10-07")))
        #expect(calendar.covers(year: 2024) && !calendar.covers(year: 2025))
        #expect(calendar.uncovered([2025, 2024, 2025, 2023]) == [2023, 2025])
        #expect(calendar.coverageDescription == "2024")
        #expect(HolidayCalendar.weekOnly.coverageDescription == "none")
    }

    @Test("the next working day", arguments: [
        ("2024-10-01", "2024-10-08"), ("2024-10-07", "2024-10-08"), ("2024-10-08", "2024-10-08"),
        ("2024-09-28", "2024-09-29"), ("2024-10-13", "2024-10-14"), ("2024-09-15", "2024-09-18"),
    ])
    func nextWorkingDay(from: String, to: String) {
        #expect(Self.autumn2024.nextWorkingDay(onOrAfter: Self.day(from)) == Self.day(to))
    }

    @Test func workingDaysBetween() {
        let calendar = Self.autumn2024
        // 9月29日（星期日）上班, 9月30日, then nothing until 10月8日.
        #expect(calendar.workingDays(after: Self.day("2024-09-27"), through: Self.day("2024-10-08")) == 3)
        #expect(calendar.workingDays(after: Self.day("2024-09-30"), through: Self.day("2024-10-08")) == 1)
        #expect(calendar.workingDays(after: Self.day("2024-10-08"), through: Self.day("2024-10-08")) == 0)
        #expect(calendar.workingDays(after: Self.day("2024-10-09"), through: Self.day("2024-10-08")) == 0)
    }

    @Test("《民法典》第二百零三条: a deadline on a day off is due the next working day; as written it stays")
    func deadlineRule() {
        let next = DeadlineRule(policy: .nextWorkingDay, calendar: Self.autumn2024)
        #expect(next.due(Self.day("2024-10-01")) == Self.day("2024-10-08"))
        #expect(next.reason(for: Self.day("2024-10-01")) == "国庆节")
        #expect(next.due(Self.day("2024-10-13")) == Self.day("2024-10-14"))
        #expect(next.reason(for: Self.day("2024-10-13")) == "星期日")
        #expect(next.due(Self.day("2024-09-29")) == Self.day("2024-09-29"), "a Sunday worked is a working day")
        #expect(next.reason(for: Self.day("2024-09-29")) == nil)
        let written = DeadlineRule(policy: .asWritten, calendar: Self.autumn2024)
        #expect(written.due(Self.day("2024-10-01")) == Self.day("2024-10-01"))
        #expect(written.reason(for: Self.day("2024-10-01")) == nil)
    }

    @Test("the plan's due dates and days left follow the rule")
    func planSchedule() throws {
        let project = Project(code: "P24", name: "租地费", kind: .landRent, year: 2024,
                              budget: Budget(total: .yuan(1000), fiscal: .yuan(1000), other: .zero), purpose: "",
                              plan: [Milestone(deadline: Self.day("2024-10-01"), cumulative: .whole(50)),
                                     Milestone(deadline: Self.day("2024-12-31"), cumulative: .whole(100))],
                              goals: [], indicators: [])
        let shifted = PlanSchedule(project: project, asOf: Self.day("2024-09-30"),
                                   deadlines: DeadlineRule(policy: .nextWorkingDay, calendar: Self.autumn2024))
        let first = try #require(shifted.lines.first)
        #expect(first.milestone.deadline == Self.day("2024-10-01"))
        #expect(first.due == Self.day("2024-10-08"))
        #expect(first.daysLeft == 8)
        let written = PlanSchedule(project: project, asOf: Self.day("2024-09-30"))
        #expect(written.lines.first?.due == Self.day("2024-10-01"))
        #expect(written.lines.first?.daysLeft == 1)
        // On 10月3日 the milestone as written has passed; shifted, it is still ahead.
        #expect(PlanSchedule(project: project, asOf: Self.day("2024-10-03")).next?.milestone.cumulative == .whole(100))
        #expect(PlanSchedule(project: project, asOf: Self.day("2024-10-03"),
                             deadlines: DeadlineRule(policy: .nextWorkingDay, calendar: Self.autumn2024)).next?.due == Self.day("2024-10-08"))
    }
}

import FafangCore
import Foundation
import Testing

@Suite("Civil dates and deadlines")
struct CivilDateTests {
    @Test("month ends", arguments: [
        (2021, 2, 28), (2020, 2, 29), (1900, 2, 28), (2000, 2, 29), (2021, 3, 31), (2021, 6, 30),
        (2021, 10, 31), (2021, 12, 31), (2024, 4, 30),
    ])
    func monthEnds(year: Int, month: Int, day: Int) {
        #expect(CivilDate.endOf(month: month, year: year) == CivilDate(year: year, month: month, day: day))
    }

    @Test func rejectsImpossibleDates() {
        #expect(CivilDate(year: 2021, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2021, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2021, month: 4, day: 31) == nil)
        #expect(CivilDate(iso: "2021-6-30") == nil)
        #expect(CivilDate(iso: "2021-06-30") == CivilDate(year: 2021, month: 6, day: 30))
    }

    @Test("day counting agrees with itself across leap years and year ends")
    func dayArithmetic() throws {
        let start = try #require(CivilDate(year: 1999, month: 12, day: 31))
        var date = start
        for offset in 1...(366 * 30) {
            let next = date.adding(days: 1)
            #expect(next > date)
            #expect(start.days(until: next) == offset)
            date = next
        }
        #expect(try #require(CivilDate(iso: "2021-06-20")).days(until: try #require(CivilDate(iso: "2021-06-30"))) == 10)
        #expect(try #require(CivilDate(iso: "2020-02-28")).adding(days: 1) == CivilDate(iso: "2020-02-29"))
        #expect(try #require(CivilDate(iso: "2021-12-31")).adding(days: 1) == CivilDate(iso: "2022-01-01"))
        #expect(CivilDate(iso: "1970-01-01")?.daysSinceEpoch == 0)
    }

    @Test("a deadline ends at local midnight, stored as UTC")
    func deadlineInZone() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let march = try #require(CivilDate(iso: "2021-03-31"))
        // 2021-04-01T00:00+08:00 is 2021-03-31T16:00Z.
        let expected = try #require(ISO8601DateFormatter().date(from: "2021-03-31T16:00:00Z"))
        #expect(march.deadline(in: shanghai) == expected)
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(march.deadline(in: utc) == expected.addingTimeInterval(8 * 3600))
        // Year end: the last milestone ends at 2022-01-01T00:00 local.
        let yearEnd = try #require(CivilDate(iso: "2021-12-31"))
        #expect(yearEnd.deadline(in: shanghai) == ISO8601DateFormatter().date(from: "2021-12-31T16:00:00Z"))
        // An instant just before the deadline is still that day locally; at it, the next day.
        #expect(CivilDate.of(expected.addingTimeInterval(-1), in: shanghai) == march)
        #expect(CivilDate.of(expected, in: shanghai) == CivilDate(iso: "2021-04-01"))
    }

    @Test func zoneWithDaylightSaving() throws {
        // New York on the spring-forward day: the day is 23 hours long.
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let day = try #require(CivilDate(iso: "2021-03-14"))
        #expect(day.deadline(in: newYork).timeIntervalSince(day.start(in: newYork)) == 23 * 3600)
    }

    @Test func plannedTargets() throws {
        let project = Project(
            code: "P1", name: "天柱租地费（殷官屯村）", kind: .landRent, year: 2021,
            budget: Budget(total: try Money.parseWan("594.00"), fiscal: try Money.parseWan("594.00"), other: .zero),
            purpose: "",
            plan: [(3, 25), (6, 50), (10, 75), (12, 100)].map {
                Milestone(deadline: CivilDate.endOf(month: $0.0, year: 2021)!, cumulative: .whole(Int64($0.1)))
            },
            goals: [], indicators: []
        )
        let schedule = PlanSchedule(project: project, asOf: try #require(CivilDate(iso: "2021-06-20")))
        #expect(schedule.lines.map(\.target) == [1_485_000, 2_970_000, 4_455_000, 5_940_000].map { Money.yuan($0) })
        #expect(schedule.lines.map(\.daysLeft) == [-81, 10, 133, 194])
        #expect(schedule.next?.milestone.deadline == CivilDate(iso: "2021-06-30"))
    }
}

import FafangCore
import Foundation
import Testing

/// SMS held on quiet days until the quiet hours of the next day that is not quiet end, on the
/// 2024 National Day of `HolidayCalendarTests.autumn2024`.
@Suite("Quiet days")
struct QuietDaysTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let night = QuietHours("21:00-08:00")!

    /// "2024-10-01 10:00" in Shanghai.
    static func local(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        return CivilDate(iso: String(parts[0]))!.start(in: shanghai).addingTimeInterval(TimeInterval(time[0] * 3600 + time[1] * 60))
    }

    func release(_ rule: QuietDays.Rule, at time: String, hours: QuietHours = night) -> Date {
        QuietDays(rule: rule, calendar: HolidayCalendarTests.autumn2024).nextAllowed(after: Self.local(time), quietHours: hours, in: Self.shanghai).at
    }

    @Test("holidays: held until 08:00 of the next working day", arguments: [
        ("2024-10-01 10:00", "2024-10-08 08:00"), ("2024-09-30 22:00", "2024-10-08 08:00"), ("2024-10-07 23:30", "2024-10-08 08:00"),
        ("2024-10-08 07:00", "2024-10-08 08:00"), ("2024-10-08 08:00", "2024-10-08 08:00"), ("2024-09-30 12:00", "2024-09-30 12:00"),
        // A plain Sunday is not a holiday: quiet hours only.
        ("2024-10-13 10:00", "2024-10-13 10:00"), ("2024-10-12 22:00", "2024-10-13 08:00"),
    ])
    func holidays(at time: String, release expected: String) {
        #expect(release(.holidays, at: time) == Self.local(expected))
    }

    @Test("holidays and weekends: a Saturday or Sunday not worked is held too, a 调休 Sunday is not", arguments: [
        ("2024-10-13 10:00", "2024-10-14 08:00"), ("2024-10-12 22:00", "2024-10-14 08:00"), ("2024-09-29 10:00", "2024-09-29 10:00"),
        ("2024-10-11 22:00", "2024-10-12 08:00"), ("2024-10-01 10:00", "2024-10-08 08:00"), ("2024-09-28 09:00", "2024-09-29 08:00"),
    ])
    func weekends(at time: String, release expected: String) {
        #expect(release(.holidaysAndWeekends, at: time) == Self.local(expected))
    }

    @Test func noneAndNoQuietHours() {
        #expect(release(.none, at: "2024-10-03 10:00") == Self.local("2024-10-03 10:00"))
        #expect(release(.holidays, at: "2024-10-03 10:00", hours: QuietHours(start: 0, end: 0)) == Self.local("2024-10-08 00:00"))
        let days = QuietDays(rule: .holidays, calendar: HolidayCalendarTests.autumn2024)
        #expect(days.reason(CivilDate(iso: "2024-10-03")!) == "holiday 国庆节")
        #expect(days.nextAllowed(after: Self.local("2024-10-03 10:00"), quietHours: Self.night, in: Self.shanghai).reason?.contains("国庆节") == true)
        #expect(days.nextAllowed(after: Self.local("2024-10-09 10:00"), quietHours: Self.night, in: Self.shanghai).reason == nil)
    }
}

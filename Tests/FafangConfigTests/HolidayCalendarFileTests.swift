import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// The bundled `Config/calendar/cn-holidays.csv` against the State Council notices' own text
/// (not the package it was generated from), and the calendar file's diagnostics.
@Suite("Holiday calendar file")
struct HolidayCalendarFileTests {
    static func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    func bundled() throws -> HolidayCalendar {
        let outcome = ConfigLoader.load(path: BundledConfigTests.configPath)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        return try #require(outcome.configuration?.holidayCalendar)
    }

    /// Every day from `first` to `last` off, for the holiday `name` (or one of `also`: 2025's
    /// 国庆节、中秋节 run together, 10月6日 being 中秋).
    func expectOff(_ calendar: HolidayCalendar, _ first: String, _ last: String, _ name: String, also: Set<String> = [],
                   sourceLocation: SourceLocation = #_sourceLocation) {
        var day = Self.day(first)
        while day <= Self.day(last) {
            let names = also.union([name]).map { HolidayCalendar.Day.holiday(name: $0) }
            #expect(names.contains(calendar.day(day)), "\(day): \(calendar.day(day))", sourceLocation: sourceLocation)
            day = day.adding(days: 1)
        }
    }

    func expectWorked(_ calendar: HolidayCalendar, _ days: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for text in days {
            let day = Self.day(text)
            #expect(day.isWeekend, "\(day) is a weekend day in the notice", sourceLocation: sourceLocation)
            #expect(calendar.isWorkingDay(day), "\(day)", sourceLocation: sourceLocation)
        }
    }

    @Test("2004 through 2026, every year with its Spring Festival and National Day")
    func coverage() throws {
        let calendar = try bundled()
        #expect(calendar.coveredYears == Array(2004...2026))
        for year in 2004...2026 {
            let names = Set(calendar.ranges.filter { $0.year == year && $0.kind == .off }.map(\.name))
            #expect(names.isSuperset(of: ["元旦", "春节", "国庆节"]), "\(year): \(names)")
            #expect(calendar.ranges.contains { $0.year == year && $0.notice.title == "国务院办公厅关于\(year)年部分节假日安排的通知" }, "\(year)")
        }
    }

    /// 国办发明电〔2023〕7号: 春节 2月10日至17日放假调休，2月4日（星期日）、2月18日（星期日）上班 …
    /// 国庆节 10月1日至7日放假调休，9月29日（星期日）、10月12日（星期六）上班.
    @Test func notice2024() throws {
        let calendar = try bundled()
        expectOff(calendar, "2024-02-10", "2024-02-17", "春节")
        expectOff(calendar, "2024-04-04", "2024-04-06", "清明")
        expectOff(calendar, "2024-05-01", "2024-05-05", "劳动节")
        expectOff(calendar, "2024-09-15", "2024-09-17", "中秋")
        expectOff(calendar, "2024-10-01", "2024-10-07", "国庆节")
        expectWorked(calendar, ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"])
        #expect(calendar.isWorkingDay(Self.day("2024-10-08")))
        let notice = try #require(calendar.range(on: Self.day("2024-10-01"))?.notice)
        #expect(notice.title == "国务院办公厅关于2024年部分节假日安排的通知")
        #expect(notice.document == "国办发明电〔2023〕7号")
        #expect(notice.published == Self.day("2023-10-25"))
    }

    /// 国办发明电〔2019〕16号 gave 1月24日至30日 and 2月1日（星期六）上班; 国办发明电〔2020〕1号
    /// extended the holiday to 2月2日, 2月3日（星期一）起正常上班.
    @Test("2020: the Spring Festival extended to 2月2日; the 2月1日 working day dropped")
    func extension2020() throws {
        let calendar = try bundled()
        expectOff(calendar, "2020-01-24", "2020-02-02", "春节")
        #expect(!calendar.isWorkingDay(Self.day("2020-02-01")))
        #expect(calendar.isWorkingDay(Self.day("2020-02-03")))
        expectWorked(calendar, ["2020-01-19"])
        #expect(calendar.range(on: Self.day("2020-01-31"))?.notice.title == "国务院办公厅关于延长2020年春节假期的通知")
        #expect(calendar.range(on: Self.day("2020-01-31"))?.notice.document == "国办发明电〔2020〕1号")
        #expect(calendar.range(on: Self.day("2020-01-30"))?.notice.document == "国办发明电〔2019〕16号")
    }

    /// 国办发明电〔2024〕12号 (2025) and 国办发明电〔2025〕7号 (2026).
    @Test func notices2025And2026() throws {
        let calendar = try bundled()
        expectOff(calendar, "2025-01-28", "2025-02-04", "春节")
        expectOff(calendar, "2025-10-01", "2025-10-08", "国庆节", also: ["中秋"])
        expectWorked(calendar, ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])
        #expect(calendar.isWorkingDay(Self.day("2025-01-02")), "元旦 2025: 1月1日放假1天，不调休")
        expectOff(calendar, "2026-02-15", "2026-02-23", "春节")
        expectOff(calendar, "2026-10-01", "2026-10-07", "国庆节")
        expectWorked(calendar, ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
        #expect(calendar.range(on: Self.day("2026-10-01"))?.notice.document == "国办发明电〔2025〕7号")
    }

    @Test("2015: 9月3日至5日 for the 70th anniversary, 9月6日（星期日）上班")
    func anniversary2015() throws {
        let calendar = try bundled()
        expectOff(calendar, "2015-09-03", "2015-09-05", "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日")
        expectWorked(calendar, ["2015-09-06"])
    }
}

import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// `[calendar]`, the calendar file's problems with their lines, `deadline_policy` in
/// fafang.toml and in a project file, and the warning for a year the calendar lacks.
@Suite("Holiday calendar configuration")
struct HolidayCalendarConfigTests {
    static let header = "year,kind,first,last,name,notice,document,published\n"
    static let notice = "国务院办公厅关于2024年部分节假日安排的通知,国办发明电〔2023〕7号,2023-10-25"

    /// The fixture's land-rent project moved to `year`, its first milestone written on 国庆节
    /// (10月1日), under another code.
    static func project(_ fixture: ConfigFixture, code: String, year: Int = 2024) -> String {
        (fixture.files["projects/01-rent.toml"] ?? "").replacingOccurrences(of: "RENT01", with: code)
            .replacingOccurrences(of: "2021-03-31", with: "2021-10-01").replacingOccurrences(of: "2021", with: String(year))
    }

    func load(_ fixture: ConfigFixture) throws -> ConfigLoader.Outcome {
        defer { fixture.remove() }
        return ConfigLoader.load(path: try fixture.write())
    }

    @Test("a milestone on 2024-10-01 is due 2024-10-08 under the township's next_working_day; a project may keep it as written")
    func deadlinePolicies() throws {
        var fixture = ConfigFixture()
        try fixture.useHolidayCalendar(deadlinePolicy: "next_working_day")
        fixture.files["projects/03-2024.toml"] = Self.project(fixture, code: "RENT24")
        fixture.files["projects/04-2024.toml"] = Self.project(fixture, code: "KEEP24")
            .replacingOccurrences(of: "year = 2024", with: "year = 2024\ndeadline_policy = \"as_written\"")
        let outcome = try load(fixture)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
        let configuration = try #require(outcome.configuration)
        let shifted = try #require(configuration.project(code: "RENT24"))
        #expect(shifted.deadlines.policy == .nextWorkingDay)
        #expect(shifted.deadlines.due(CivilDate(iso: "2024-10-01")!) == CivilDate(iso: "2024-10-08"))
        let kept = try #require(configuration.project(code: "KEEP24"))
        #expect(kept.deadlines.due(CivilDate(iso: "2024-10-01")!) == CivilDate(iso: "2024-10-01"))
        #expect(configuration.holidayCalendar?.coveredYears.last == 2026)
        #expect(configuration.settings.sms.quietDays == .holidays, "the default")
    }

    @Test("without [calendar]: deadlines as written, nothing uncovered, no warning")
    func noCalendar() throws {
        let outcome = try load(ConfigFixture())
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let configuration = try #require(outcome.configuration)
        #expect(configuration.holidayCalendar == nil)
        #expect(configuration.projects.allSatisfy { $0.deadlines.policy == .asWritten })
    }

    @Test("a project year the calendar lacks is a warning on its year line")
    func uncoveredYear() throws {
        var fixture = ConfigFixture()
        try fixture.useHolidayCalendar()
        fixture.files["projects/03-2027.toml"] = Self.project(fixture, code: "RENT27", year: 2027)
        let outcome = try load(fixture)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let warning = try #require(outcome.warnings.first)
        #expect(outcome.warnings.count == 1)
        #expect(warning.file.hasSuffix("projects/03-2027.toml"))
        #expect(warning.line == 4)
        #expect(warning.keyPath == "year")
        #expect(warning.message.contains("has no 2027"))
        #expect(warning.message.contains("2004–2026"))
        #expect(outcome.configuration != nil, "a warning, not an error")
    }

    @Test("every bad line of the calendar file, with its line and column")
    func badLines() throws {
        var fixture = ConfigFixture()
        try fixture.useHolidayCalendar(Self.header + """
        2024,off,2024-10-01,2024-10-07,国庆节,\(Self.notice)
        2024,holiday,2024-05-01,,劳动节,\(Self.notice)
        2024,off,2024-13-01,,劳动节,\(Self.notice)
        2024,work,2024-10-06,,国庆节,\(Self.notice)
        2024,off,2024-06-10,2024-08-10,端午,\(Self.notice)
        2024,off,2025-01-01,,元旦,\(Self.notice)
        2024,off,2024-06-10,,,\(Self.notice)
        2024,work,2024-10-08,,国庆节,\(Self.notice)

        """)
        let outcome = try load(fixture)
        let found = outcome.diagnostics.filter { $0.file.hasSuffix("cn-holidays.csv") }
            .map { "\($0.line) \($0.keyPath) \($0.severity.rawValue)" }
        #expect(found == ["3 kind error", "4 first error", "5 first error", "6 last error", "7 first error", "8 name error", "9 first warning"],
                "\(outcome.diagnostics)")
        #expect(outcome.configuration == nil)
        let overlap = try #require(outcome.errors.first { $0.line == 5 })
        #expect(overlap.message.contains("already listed on line 2"))
        #expect(overlap.description.contains("cn-holidays.csv:5: first: "))
    }

    @Test("a missing calendar file, a bad policy and a bad quiet_days are errors in fafang.toml's terms")
    func badSettings() throws {
        var missing = ConfigFixture()
        missing.files["fafang.toml", default: ""] += "\n[calendar]\nfile = \"calendar/none.csv\"\ndeadline_policy = \"whenever\"\n"
        missing.replace("fafang.toml", "max_segments = 3", with: "max_segments = 3\nquiet_days = \"sundays\"")
        let outcome = try load(missing)
        let messages = outcome.errors.map(\.description)
        #expect(messages.contains { $0.contains("calendar/none.csv") && $0.contains("cannot read") }, "\(messages)")
        #expect(messages.contains { $0.contains("calendar.deadline_policy: must be one of \"next_working_day\", \"as_written\"") }, "\(messages)")
        #expect(messages.contains { $0.contains("sms.quiet_days: must be one of") }, "\(messages)")
        var project = ConfigFixture()
        project.replace("projects/01-rent.toml", "year = 2021", with: "year = 2021\ndeadline_policy = \"later\"")
        let projectOutcome = try load(project)
        let error = try #require(projectOutcome.errors.first)
        #expect(error.file.hasSuffix("01-rent.toml") && error.line == 5 && error.keyPath == "deadline_policy", "\(error)")
    }

    @Test func schedulerUnit() throws {
        var fixture = ConfigFixture()
        fixture.files["fafang.toml", default: ""] += "\n[scheduler]\napproach_days = [5, 1]\napproach_days_unit = \"working_days\"\n"
        let configuration = try #require(try load(fixture).configuration)
        #expect(configuration.settings.scheduler.approachDaysUnit == .workingDays)
        #expect(configuration.settings.scheduler.approachDays == [5, 1])
    }
}

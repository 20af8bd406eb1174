import FafangCore
import Foundation

extension ConfigLoader {
    /// The calendar `[calendar] file` names, nil when none is named or it has errors (reported).
    static func holidayCalendar(_ settings: CalendarSettings, report: ReportBox) -> HolidayCalendar? {
        guard let file = settings.file else { return nil }
        var reader = HolidayCalendarReader(file: file, log: report.log)
        let calendar = reader.read()
        report.log = reader.log
        return calendar
    }

    /// When a project's milestones fall due: its own `deadline_policy`, else the township's,
    /// with the calendar. Warns about a project year the calendar does not cover, and about a
    /// policy that needs a calendar when there is none.
    static func deadlines(of result: ProjectReader.Result, file: String, settings: CalendarSettings,
                          calendar: HolidayCalendar?, report: ReportBox) -> DeadlineRule {
        let policy = result.deadlinePolicy ?? settings.deadlinePolicy
        let year = result.project.year
        if let calendar, let calendarFile = settings.file, !calendar.covers(year: year) {
            report.log.warning(file, result.yearLine, "year",
                               "the holiday calendar \(calendarFile) (covering \(calendar.coverageDescription)) has no \(year): this project's deadlines and quiet days know only weekends; add the days of 国务院办公厅关于\(year)年部分节假日安排的通知")
        }
        if calendar == nil, settings.file == nil, result.deadlinePolicy == .nextWorkingDay {
            report.log.warning(file, result.deadlinePolicyLine, "deadline_policy",
                               "no holiday calendar is configured ([calendar] file in fafang.toml): only weekends move a deadline")
        }
        return DeadlineRule(policy: policy, calendar: calendar ?? .weekOnly)
    }
}

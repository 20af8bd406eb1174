/// The office's reminder that the holiday calendar lacks a year: each December for the year to
/// come (the State Council's notice for it is normally out by then), and on any day of a year
/// that is itself missing. Deadlines and quiet days in such a year know only the week.
///
/// One event per uncovered year, keyed by it, to the finance office: a year alerted in
/// December is not alerted again in January, and a restart does not repeat it (the store keeps
/// the keys emitted).
public enum CalendarCoverage {
    /// The stable key of the alert about `year`.
    public static func key(year: Int) -> String { "calendar:uncovered:\(year)" }

    /// The years that must be covered on `today`: this one, and in December the next.
    public static func yearsNeeded(on today: CivilDate) -> [Int] {
        today.month == 12 ? [today.year, today.year + 1] : [today.year]
    }

    /// The alerts due on `today` and not yet emitted.
    public static func dueEvents(calendar: HolidayCalendar, today: CivilDate, emitted: Set<String>) -> [DueEvent] {
        calendar.uncovered(yearsNeeded(on: today)).compactMap { year in
            let key = key(year: year)
            guard !emitted.contains(key) else { return nil }
            var facts = DueEvent.Facts()
            facts.uncoveredYear = year
            facts.coveredThrough = calendar.coveredYears.last
            return DueEvent(key: key, kind: .calendarUncovered, projectCode: noProject, audiences: [.financeOffice], facts: facts)
        }
    }

    /// The project code of events about no project (as the operational alerts write it).
    public static let noProject = "-"
}

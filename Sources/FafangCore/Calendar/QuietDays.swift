import Foundation

/// Whole days on which households get no SMS: holidays (放假), and where the office wants it the
/// weekend days that are not worked. A message due on one waits for the first day that is not,
/// until that day's quiet hours end (08:00 after a night window of 21:00–08:00).
public struct QuietDays: Hashable, Sendable {
    /// `[sms] quiet_days` in fafang.toml.
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        /// Every day may carry SMS (quiet hours still apply).
        case none
        /// Days off of a holiday.
        case holidays
        /// Days off of a holiday, and Saturdays and Sundays that are not 调休 working days.
        case holidaysAndWeekends = "holidays_and_weekends"
    }

    public var rule: Rule
    public var calendar: HolidayCalendar

    public init(rule: Rule, calendar: HolidayCalendar) {
        self.rule = rule
        self.calendar = calendar
    }

    /// No quiet days.
    public static let none = QuietDays(rule: .none, calendar: .weekOnly)

    /// Why `date` is quiet ("holiday 国庆节", "weekend"), nil when it is not.
    public func reason(_ date: CivilDate) -> String? {
        switch (rule, calendar.day(date)) {
        case (.none, _): return nil
        case let (_, .holiday(name)): return "holiday \(name)"
        case (.holidaysAndWeekends, .weekend): return "weekend"
        default: return nil
        }
    }

    public func isQuiet(_ date: CivilDate) -> Bool { reason(date) != nil }

    /// The first instant at or after `now` outside `quietHours` on a day that is not quiet, in
    /// `zone`, with why it is later than `now` (nil when it is `now`).
    public func nextAllowed(after now: Date, quietHours: QuietHours, in zone: TimeZone) -> (at: Date, reason: String?) {
        let allowed = quietHours.nextAllowed(after: now, in: zone)
        guard rule != .none else { return (allowed, allowed > now ? "quiet hours \(quietHours)" : nil) }
        var day = CivilDate.of(allowed, in: zone)
        guard let first = reason(day) else {
            return (allowed, allowed > now ? "quiet hours \(quietHours)" : nil)
        }
        let quietDay = day
        for _ in 0..<HolidayCalendar.searchLimit where isQuiet(day) { day = day.adding(days: 1) }
        let at = quietHours.nextAllowed(after: day.start(in: zone), in: zone)
        return (at, "quiet day \(quietDay) (\(first)) until \(day) after quiet hours \(quietHours)")
    }
}

/// When a milestone is really due: on the day written in the plan, or — when that day is a
/// holiday or a weekend day not worked — on the next working day, as 《民法典》第二百零三条 has
/// it for a period's last day: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日.
public struct DeadlineRule: Hashable, Sendable {
    /// A project's choice (`deadline_policy` in its file, else the township's in fafang.toml).
    public enum Policy: String, Sendable, Hashable, CaseIterable {
        /// A deadline on a day off moves to the next working day.
        case nextWorkingDay = "next_working_day"
        /// The deadline stays as written.
        case asWritten = "as_written"
    }

    public var policy: Policy
    public var calendar: HolidayCalendar

    public init(policy: Policy, calendar: HolidayCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    /// Deadlines as written (no calendar needed).
    public static let asWritten = DeadlineRule(policy: .asWritten, calendar: .weekOnly)

    /// The day a deadline written as `written` falls due.
    public func due(_ written: CivilDate) -> CivilDate {
        switch policy {
        case .asWritten: return written
        case .nextWorkingDay: return calendar.nextWorkingDay(onOrAfter: written)
        }
    }

    /// The day `milestone` falls due.
    public func due(of milestone: Milestone) -> CivilDate { due(milestone.deadline) }

    /// Why a deadline moved, for people: "国庆节" for a holiday, "星期日" for a weekend; nil
    /// when it did not move.
    public func reason(for written: CivilDate) -> String? {
        guard due(written) != written else { return nil }
        switch calendar.day(written) {
        case let .holiday(name): return name
        case .weekend: return written.chineseWeekday
        case .workday, .adjustedWorkday: return nil
        }
    }
}

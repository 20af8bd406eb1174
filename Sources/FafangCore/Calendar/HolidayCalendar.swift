/// China's working calendar: which civil days are working days, from the State Council's yearly
/// notices (statutory holidays and the 调休 weekend days worked instead), with the week deciding
/// every day no notice names (Monday to Friday working, Saturday and Sunday off).
///
/// A year is *covered* when the calendar holds its notice. For a year that is not, only the week
/// is known: the daemon and `fafang check` warn about such a year, since its holidays are missing.
public struct HolidayCalendar: Hashable, Sendable {
    /// What one civil day is.
    public enum Day: Hashable, Sendable {
        /// Monday to Friday, no notice about it.
        case workday
        /// Saturday or Sunday, no notice about it.
        case weekend
        /// A day off of a holiday (放假), whatever the weekday.
        case holiday(name: String)
        /// A weekend day worked instead (调休上班).
        case adjustedWorkday(name: String)

        public var isWorking: Bool {
            switch self {
            case .workday, .adjustedWorkday: return true
            case .weekend, .holiday: return false
            }
        }
    }

    /// The calendar's lines, in the order given.
    public let ranges: [CalendarRange]
    /// Day (days since 1970-01-01) → index in `ranges`; the first range naming a day wins.
    private let index: [Int: Int]
    /// Years whose notice the calendar holds, ascending.
    public let coveredYears: [Int]

    /// Days are looked for in no more than this many days ahead (a file that lists a whole year
    /// off must not make a search run forever).
    static let searchLimit = 400

    public init(ranges: [CalendarRange] = []) {
        self.ranges = ranges
        var index: [Int: Int] = [:]
        for (position, range) in ranges.enumerated() {
            for day in range.days where index[day.daysSinceEpoch] == nil { index[day.daysSinceEpoch] = position }
        }
        self.index = index
        coveredYears = Set(ranges.map(\.year)).sorted()
    }

    /// Knows the week only: every year uncovered.
    public static let weekOnly = HolidayCalendar()

    public func covers(year: Int) -> Bool { coveredYears.contains(year) }

    /// The line naming `date`, if any.
    public func range(on date: CivilDate) -> CalendarRange? { index[date.daysSinceEpoch].map { ranges[$0] } }

    public func day(_ date: CivilDate) -> Day {
        if let range = range(on: date) {
            switch range.kind {
            case .off: return .holiday(name: range.name)
            case .work: return .adjustedWorkday(name: range.name)
            }
        }
        return date.isWeekend ? .weekend : .workday
    }

    public func isWorkingDay(_ date: CivilDate) -> Bool { day(date).isWorking }

    /// Whether `date` is a day off of a holiday (not a plain weekend).
    public func isHoliday(_ date: CivilDate) -> Bool {
        if case .holiday = day(date) { return true }
        return false
    }

    /// `date` itself when it is a working day, else the first working day after it.
    public func nextWorkingDay(onOrAfter date: CivilDate) -> CivilDate {
        var day = date
        for _ in 0..<Self.searchLimit where !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// Working days after `start` up to and including `end`: 1 from the working day before a
    /// working deadline; 0 when `end` is not after `start`.
    public func workingDays(after start: CivilDate, through end: CivilDate) -> Int {
        guard start < end else { return 0 }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    /// The years of `years` the calendar does not cover, ascending and each once.
    public func uncovered(_ years: some Sequence<Int>) -> [Int] {
        Set(years).filter { !covers(year: $0) }.sorted()
    }

    /// "2004–2026", "2024, 2026", or "none".
    public var coverageDescription: String {
        guard let first = coveredYears.first, let last = coveredYears.last else { return "none" }
        if coveredYears.count == last - first + 1 { return first == last ? "\(first)" : "\(first)–\(last)" }
        return coveredYears.map(String.init).joined(separator: ", ")
    }
}

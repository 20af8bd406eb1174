/// A State Council notice that decided days off and working days, as the calendar file names it:
/// 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023年10月25日）.
public struct HolidayNotice: Hashable, Sendable, CustomStringConvertible {
    public var title: String
    /// 国办发明电〔2023〕7号; nil where the source does not give it.
    public var document: String?
    /// The day it was issued; nil where the source does not give it.
    public var published: CivilDate?

    public init(title: String, document: String? = nil, published: CivilDate? = nil) {
        self.title = title
        self.document = document
        self.published = published
    }

    public var description: String {
        let details = [document, published?.description].compactMap { $0 }
        return details.isEmpty ? title : "\(title)（\(details.joined(separator: "，"))）"
    }
}

/// One line of the holiday calendar: a run of days off (放假, the weekends a holiday runs into
/// included) or of working days made of weekend days (调休上班), and the notice it comes from.
public struct CalendarRange: Hashable, Sendable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// 放假: not a working day, whatever the weekday.
        case off
        /// 上班: a working day, whatever the weekday.
        case work
    }

    /// The year whose notice decided these days (New Year's days in December belong to the next year's).
    public var year: Int
    public var kind: Kind
    public var first: CivilDate
    /// The same as `first` for a single day.
    public var last: CivilDate
    /// The holiday: 春节, 国庆节 …
    public var name: String
    public var notice: HolidayNotice

    public init(year: Int, kind: Kind, first: CivilDate, last: CivilDate, name: String, notice: HolidayNotice) {
        self.year = year
        self.kind = kind
        self.first = first
        self.last = last
        self.name = name
        self.notice = notice
    }

    /// Every day of the range, in order.
    public var days: [CivilDate] {
        (0...max(0, first.days(until: last))).map { first.adding(days: $0) }
    }
}

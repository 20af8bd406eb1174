extension CivilDate {
    /// The ISO weekday: 1 for Monday through 7 for Sunday (1970-01-01 was a Thursday).
    public var weekday: Int {
        let remainder = (daysSinceEpoch + 3) % 7
        return (remainder + 7) % 7 + 1
    }

    /// Saturday or Sunday: a rest day unless a notice makes it a working day (调休).
    public var isWeekend: Bool { weekday >= 6 }

    /// 星期一 … 星期日, as the State Council's notices write weekdays.
    public var chineseWeekday: String {
        ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][weekday - 1]
    }
}

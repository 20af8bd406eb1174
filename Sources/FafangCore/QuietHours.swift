import Foundation

/// A daily window of local time, such as 21:00–08:00, that may wrap past midnight.
public struct QuietHours: Hashable, Sendable, CustomStringConvertible {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses "21:00-08:00"; an empty window ("00:00-00:00") means no quiet hours.
    public init?(_ text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = QuietHours.minutes(parts[0]), let end = QuietHours.minutes(parts[1]) else { return nil }
        self.start = start
        self.end = end
    }

    private static func minutes(_ text: String) -> Int? {
        let hm = text.split(separator: ":")
        guard hm.count == 2, hm[0].count <= 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }

    /// Whether `minute` after local midnight falls inside the window.
    public func contains(minuteOfDay minute: Int) -> Bool {
        if start == end { return false }
        return start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }

    /// The first instant at or after `now` outside the window, in `zone`: `now` itself when it is
    /// not quiet, else the window's end (today's or tomorrow's local clock time).
    public func nextAllowed(after now: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        guard contains(minuteOfDay: minute) else { return now }
        let today = CivilDate.of(now, in: zone)
        // The window ends later today if we are before its end, else tomorrow.
        let day = minute < end ? today : today.adding(days: 1)
        var components = DateComponents(year: day.year, month: day.month, day: day.day, hour: end / 60, minute: end % 60)
        components.timeZone = zone
        return calendar.date(from: components) ?? now
    }
}


import FafangCore
import Foundation

/// Parses the three HTTP-date forms of RFC 9110 §5.6.7, always in GMT:
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850) and
/// `Sun Nov  6 08:49:37 1994` (asctime). No locale, no formatter: a fixed grammar.
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public static func parse(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard tokens.count >= 4 else { return nil }
        var day: Int?, month: Int?, year: Int?, time: (Int, Int, Int)?
        if tokens.count >= 5, tokens[1].allSatisfy(\.isASCIIDecimalDigit) {
            // IMF-fixdate: Sun 06 Nov 1994 08:49:37 GMT
            day = Int(tokens[1]); month = monthNumber(tokens[2]); year = Int(tokens[3]); time = clock(tokens[4])
            guard tokens.count == 5 || tokens[5] == "GMT" else { return nil }
        } else if tokens[1].contains("-") {
            // RFC 850: Sunday 06-Nov-94 08:49:37 GMT
            let parts = tokens[1].split(separator: "-").map(String.init)
            guard parts.count == 3 else { return nil }
            day = Int(parts[0]); month = monthNumber(parts[1]); time = clock(tokens[2])
            if let short = Int(parts[2]) { year = parts[2].count == 2 ? (short < 70 ? 2000 + short : 1900 + short) : short }
        } else if tokens.count >= 5 {
            // asctime: Sun Nov 6 08:49:37 1994
            month = monthNumber(tokens[1]); day = Int(tokens[2]); time = clock(tokens[3]); year = Int(tokens[4])
        }
        guard let day, let month, let year, let time, (1...31).contains(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        guard let gmt = TimeZone(identifier: "GMT") else { return nil }
        calendar.timeZone = gmt
        let components = DateComponents(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    /// `2026-12-03T08:10:00Z`: the instant in UTC to the second, as `Date.formatted(.iso8601)`
    /// writes it, without a formatter (a webhook's body carries one per message).
    public static func iso8601(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, time) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let day = time < 0 ? days - 1 : days
        let second = time < 0 ? time + 86_400 : time
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CivilDate(daysSinceEpoch: day))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
    }

    private static func monthNumber(_ text: String) -> Int? {
        months.firstIndex(of: text.lowercased()).map { $0 + 1 }
    }

    private static func clock(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 3, (0...23).contains(parts[0]), (0...59).contains(parts[1]), (0...60).contains(parts[2]) else { return nil }
        return (parts[0], parts[1], parts[2])
    }
}

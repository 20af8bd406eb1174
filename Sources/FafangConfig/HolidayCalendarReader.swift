import FafangCore
import Foundation

/// Reads the holiday calendar file (`Config/calendar/cn-holidays.csv`, written by
/// `scripts/make-holiday-calendar.py` and edited by the office): one line per range of days,
///
///     year,kind,first,last,name,notice,document,published
///     2024,off,2024-10-01,2024-10-07,国庆节,国务院办公厅关于2024年部分节假日安排的通知,国办发明电〔2023〕7号,2023-10-25
///     2024,work,2024-09-29,,国庆节,国务院办公厅关于2024年部分节假日安排的通知,国办发明电〔2023〕7号,2023-10-25
///
/// `kind` is `off` (放假, also 休) or `work` (上班, also 班); `last` is empty for one day;
/// `document` and `published` may be empty. Every problem is reported with its line; a file with
/// any error gives no calendar (the configuration is then refused, as for any other error).
struct HolidayCalendarReader {
    let file: String
    var log: DiagnosticLog

    /// The columns every line needs, and those that may be left out of the header.
    static let required = ["year", "kind", "first", "last", "name", "notice"]
    static let optional = ["document", "published"]
    /// A longer range is a typo more often than a holiday (the longest, 2020's Spring Festival, had 10 days).
    static let longestRange = 31

    init(file: String, log: DiagnosticLog) {
        self.file = file
        self.log = log
    }

    /// The calendar, or nil when the file has any error.
    mutating func read() -> HolidayCalendar? {
        let table: CSVTable
        do {
            let (text, _) = try TextFile.read(file)
            table = try CSVTable(parsing: text)
        } catch let error as TextFile.Failure {
            var line = 0
            if case let .notText(_, at) = error { line = at }
            log.error(file, line, "", error.reason)
            return nil
        } catch let error as CSVTable.SyntaxError {
            log.error(file, error.line, "", "CSV: \(error.message)")
            return nil
        } catch {
            log.error(file, 0, "", "\(error)")
            return nil
        }
        let errorsBefore = log.errors.count
        let header = table.header.map { $0.lowercased() }
        let missing = Self.required.filter { !header.contains($0) }
        guard missing.isEmpty else {
            log.error(file, table.headerLine, "", "the header lacks \(missing.joined(separator: ", ")) (expected \((Self.required + Self.optional).joined(separator: ",")))")
            return nil
        }
        for unknown in header where !Self.required.contains(unknown) && !Self.optional.contains(unknown) {
            log.error(file, table.headerLine, unknown, "unknown column (expected \((Self.required + Self.optional).joined(separator: ",")))")
        }
        var ranges: [CalendarRange] = []
        var lineOfDay: [CivilDate: Int] = [:]
        for row in table.rows {
            guard let range = self.range(row, header: header) else { continue }
            var overlapping: (CivilDate, Int)?
            for day in range.days {
                if let earlier = lineOfDay[day] { overlapping = overlapping ?? (day, earlier) } else { lineOfDay[day] = row.line }
            }
            if let (day, earlier) = overlapping {
                log.error(file, row.line, "first", "\(day) is already listed on line \(earlier): a day is either off or a working day, once")
                continue
            }
            if range.kind == .work {
                for day in range.days where !day.isWeekend {
                    log.warning(file, row.line, "first", "\(day) is a \(day.chineseWeekday): a weekday is a working day anyway (work lines name the weekend days worked instead)")
                }
            }
            ranges.append(range)
        }
        return log.errors.count == errorsBefore ? HolidayCalendar(ranges: ranges) : nil
    }

    /// One line as a range, or nil (every problem reported).
    private mutating func range(_ row: CSVTable.Row, header: [String]) -> CalendarRange? {
        func field(_ name: String) -> String {
            guard let column = header.firstIndex(of: name), column < row.fields.count else { return "" }
            return row.fields[column]
        }
        let problemsBefore = log.errors.count
        let yearText = field("year")
        let year = Int(yearText).flatMap { (2000...2100).contains($0) ? $0 : nil }
        if year == nil { log.error(file, row.line, "year", "must be a year such as 2024 (got \"\(yearText)\")") }
        let kindText = field("kind")
        let kind: CalendarRange.Kind? = switch kindText.lowercased() {
        case "off", "休": .off
        case "work", "班": .work
        default: nil
        }
        if kind == nil { log.error(file, row.line, "kind", "must be off (休, a day off) or work (班, a weekend day worked) (got \"\(kindText)\")") }
        let first = date(field("first"), key: "first", row: row, required: true)
        let last = field("last").isEmpty ? first : date(field("last"), key: "last", row: row, required: true)
        let published = date(field("published"), key: "published", row: row, required: false)
        let name = field("name")
        if name.isEmpty { log.error(file, row.line, "name", "must name the holiday (春节, 国庆节 …)") }
        let notice = field("notice")
        if notice.isEmpty { log.error(file, row.line, "notice", "must name the notice the days come from (国务院办公厅关于\(year.map(String.init) ?? "XXXX")年部分节假日安排的通知)") }
        if let first, let last, let year {
            if last < first {
                log.error(file, row.line, "last", "\(last) is before first \(first)")
            } else if first.days(until: last) >= Self.longestRange {
                log.error(file, row.line, "last", "\(first) to \(last) is \(first.days(until: last) + 1) days: a range is at most \(Self.longestRange) days")
            }
            // A notice decides its own year, and New Year's days of the December before.
            guard let earliest = CivilDate(year: year - 1, month: 12, day: 1), let latest = CivilDate(year: year, month: 12, day: 31) else { return nil }
            if first < earliest || last > latest {
                log.error(file, row.line, "first", "\(first)…\(last) is outside the \(year) notice's year (\(earliest) to \(latest))")
            }
        }
        guard log.errors.count == problemsBefore, let year, let kind, let first, let last else { return nil }
        let document = field("document")
        return CalendarRange(year: year, kind: kind, first: first, last: last, name: name,
                             notice: HolidayNotice(title: notice, document: document.isEmpty ? nil : document, published: published))
    }

    private mutating func date(_ text: String, key: String, row: CSVTable.Row, required: Bool) -> CivilDate? {
        if text.isEmpty, !required { return nil }
        guard let date = CivilDate(iso: text) else {
            log.error(file, row.line, key, "must be a date YYYY-MM-DD (got \"\(text)\")")
            return nil
        }
        return date
    }
}

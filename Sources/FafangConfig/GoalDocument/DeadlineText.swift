import FafangCore

/// A deadline written in a 时效指标 cell: `年底完成`, `2021年底完成`, `2021年12月31日前完成`,
/// `6月底前完成`. A deadline that names no year falls in the budget year.
struct DeadlineText: Equatable, Sendable {
    /// The year written in the cell, if any.
    var year: Int?
    var month: Int
    /// nil for the end of the month (月底, 年底).
    var day: Int?

    /// The date in `budgetYear` (or the written year); nil if no such day exists.
    func date(budgetYear: Int) -> CivilDate? {
        let year = self.year ?? budgetYear
        if let day { return CivilDate(year: year, month: month, day: day) }
        return CivilDate.endOf(month: month, year: year)
    }

    /// Reads a deadline cell; nil when the text is not one.
    static func parse(_ text: String) -> DeadlineText? {
        var rest = Substring(GoalDocumentText.trimmed(text))
        while let last = rest.last, "。.".contains(last) { rest.removeLast() }
        for suffix in ["完成", "之前", "以前", "前"] where rest.hasSuffix(suffix) {
            rest = rest.dropLast(suffix.count)
        }
        var year: Int?
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if digits.count == 4, rest.dropFirst(4).hasPrefix("年") {
            year = Int(digits)
            rest = rest.dropFirst(5)
        } else if rest.hasPrefix("年") {
            rest = rest.dropFirst()
        } else if !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix("月") {
            // 6月底前完成: a month of the budget year.
        } else {
            return nil
        }
        if rest == "底" || rest == "末" || rest == "年底" || rest == "年末" {
            return DeadlineText(year: year, month: 12, day: nil)
        }
        // "12月31日", "12月底", "6月末", "6月".
        let monthDigits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let month = Int(monthDigits), (1...12).contains(month),
              rest.dropFirst(monthDigits.count).hasPrefix("月")
        else { return nil }
        let dayPart = rest.dropFirst(monthDigits.count + 1)
        if dayPart.isEmpty || dayPart == "底" || dayPart == "末" {
            return DeadlineText(year: year, month: month, day: nil)
        }
        let dayDigits = dayPart.prefix { $0.isASCII && $0.isNumber }
        guard let day = Int(dayDigits), dayPart.dropFirst(dayDigits.count) == "日" || dayPart.dropFirst(dayDigits.count) == "号"
        else { return nil }
        return DeadlineText(year: year, month: month, day: day)
    }
}

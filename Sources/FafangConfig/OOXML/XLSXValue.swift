import FafangCore

/// How a cell's stored value becomes the text a clerk sees in Excel, without going through
/// `Double`: numbers are decimal text as written in the sheet's XML, shown (as Excel shows
/// them) to at most 15 significant digits; dates are serial day numbers.
enum XLSXValue {
    /// Excel keeps and shows 15 significant digits; a 16th or 17th digit in the XML is binary noise
    /// (`1980.0000000000002` is 1980).
    static let significantDigits = 15

    /// An 11-digit integer written plainly, in E notation (`1.2345678901E10`) or with `.0` all
    /// give the same 11 digits; `1234.5` gives "1234.5". Nil when the text is not a number.
    static func number(_ raw: String) -> String? {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        var negative = false
        if let sign = text.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            text = text.dropFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(text[text.index(after: e)...]), abs(value) < 400 else { return nil }
            exponent = value
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !text.isEmpty, text != ".",
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        // value = digits × 10^(exponent − fraction digits)
        var digits = Array(parts[0] + (parts.count == 2 ? parts[1] : ""))
        exponent -= parts.count == 2 ? parts[1].count : 0
        while digits.count > 1, digits.first == "0" { digits.removeFirst() }
        if digits.count > significantDigits {
            let cut = digits.count - significantDigits
            let roundUp = digits[significantDigits] >= "5"
            digits = Array(digits.prefix(significantDigits))
            exponent += cut
            if roundUp {
                var index = digits.count - 1
                while index >= 0 {
                    if digits[index] == "9" { digits[index] = "0"; index -= 1 } else {
                        digits[index] = Character(UnicodeScalar(digits[index].asciiValue! + 1))
                        break
                    }
                }
                if index < 0 { digits.insert("1", at: 0) }
            }
        }
        while exponent < 0, digits.count > 1, digits.last == "0" {
            digits.removeLast()
            exponent += 1
        }
        var plain: String
        if exponent >= 0 {
            plain = String(digits) + String(repeating: "0", count: exponent)
        } else {
            let fraction = -exponent
            let padded = String(repeating: "0", count: max(0, fraction - digits.count + 1)) + String(digits)
            plain = padded.dropLast(fraction) + "." + padded.suffix(fraction)
        }
        if digits.allSatisfy({ $0 == "0" }) { return "0" }
        if negative { plain = "-" + plain }
        return plain
    }

    /// The day a serial number names: in the 1900 date system day 1 is 1900-01-01 and day 60 is
    /// Lotus 1-2-3's 1900-02-29, which never was (nil); in the 1904 system day 0 is 1904-01-01.
    /// The time of day (the fraction) is dropped.
    static func date(serial raw: String, date1904: Bool) -> CivilDate? {
        guard let text = number(raw), !text.hasPrefix("-") else { return nil }
        let whole = text.split(separator: ".").first.map(String.init) ?? text
        guard whole.count <= 7, let days = Int(whole) else { return nil }
        if date1904 {
            return CivilDate(year: 1904, month: 1, day: 1)?.adding(days: days)
        }
        guard days >= 1, days != 60 else { return nil }
        // Before the phantom 29 February the count starts a day later.
        let base = CivilDate(year: 1899, month: 12, day: days < 60 ? 31 : 30)
        return base?.adding(days: days)
    }

    /// Built-in number formats that show a date (ECMA-376 §18.8.30, and the East Asian ones).
    static let builtInDateFormats: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// A custom format code shows a date if it has y, m, d (or 年月日) outside quotes and
    /// brackets; `[h]:mm` durations and `0.00` do not.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuotes = false
        var inBracket = false
        var escaped = false
        for char in code {
            if escaped { escaped = false; continue }
            switch char {
            case "\\": escaped = true
            case "\"": inQuotes.toggle()
            case "[" where !inQuotes: inBracket = true
            case "]" where !inQuotes: inBracket = false
            default:
                guard !inQuotes, !inBracket else { continue }
                if "yYdD年日".contains(char) { return true }
                if char == "m" || char == "M" || char == "月" { return true }
            }
        }
        return false
    }
}

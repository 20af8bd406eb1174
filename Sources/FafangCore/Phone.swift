/// A mainland China mobile number: 11 digits, starting 13–19.
///
/// Its `description` is the masked form (138****5678), so interpolating one into a log line or an
/// error message never leaks the full number; `digits` is for the SMS gateway alone.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 11 digits, no prefix.
    public let digits: String

    /// Accepts, for example, "138" + "12345678", "+86 138 1234 5678", "86-138-1234-5678"; rejects anything else.
    public init?(_ text: String) {
        if let ascii = Self.asciiDigits(text) {
            guard let ascii else { return nil }
            digits = ascii
            return
        }
        var chars = text.filter { !" -\u{3000}".contains($0) }
        if chars.hasPrefix("+86") { chars.removeFirst(3) } else if chars.count == 13, chars.hasPrefix("86") { chars.removeFirst(2) }
        guard chars.count == 11, chars.allSatisfy(\.isASCIIDigit), chars.first == "1",
              let second = chars.dropFirst().first, ("3"..."9").contains(second)
        else { return nil }
        digits = chars
    }

    /// The same rules on the bytes of an ASCII text (a register's million phones): `.some(nil)`
    /// when it is not a mobile, nil when the text is not ASCII (the rules above then apply).
    private static func asciiDigits(_ text: String) -> String?? {
        var kept: (UInt64, Int) = (0, 0)  // up to 14 kept bytes, as digits; the count
        var plus = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") { continue }
            if byte == UInt8(ascii: "+"), kept.1 == 0, !plus { plus = true; continue }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), kept.1 < 14 else {
                return .some(nil)  // any other character, or too many digits
            }
            kept = (kept.0 * 10 + UInt64(byte - UInt8(ascii: "0")), kept.1 + 1)
        }
        var (number, count) = kept
        if plus {
            // "+86" then 11 digits.
            guard count == 13, number / 100_000_000_000 == 86 else { return .some(nil) }
            number %= 100_000_000_000
            count = 11
        } else if count == 13, number / 100_000_000_000 == 86 {
            number %= 100_000_000_000
            count = 11
        }
        guard count == 11, (13_000_000_000...19_999_999_999).contains(number) else { return .some(nil) }
        // Most registers write the 11 digits alone: the text is then the digits.
        return .some(text.utf8.count == 11 ? text : String(number))
    }

    /// Digits already known to be a mainland mobile (a register's packed column).
    init(checkedDigits: String) { digits = checkedDigits }

    /// 138****5678.
    public var masked: String { Mask.phone(digits) }
    public var description: String { masked }
}

/// Masking of personal data for logs, alerts and error messages.
public enum Mask {
    /// Keeps the first three and last four digits of a phone-like text: 138****5678. Shorter or
    /// odd texts keep less, never more than half of their digits.
    public static func phone(_ text: String) -> String {
        let chars = Array(text)
        if chars.count >= 11 {
            return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
        }
        if chars.count >= 4 {
            let keep = chars.count / 4
            return String(chars.prefix(keep)) + String(repeating: "*", count: chars.count - 2 * keep) + String(chars.suffix(keep))
        }
        return String(repeating: "*", count: chars.count)
    }

    /// A person's name for a public list (村务公开): the first and last characters kept, those
    /// between starred, 张*华; a two-character name keeps its first, 张*; one character stays.
    public static func name(_ text: String) -> String {
        let chars = Array(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        switch chars.count {
        case 0, 1: return String(chars)
        case 2: return String(chars[0]) + "*"
        default: return String(chars[0]) + String(repeating: "*", count: chars.count - 2) + String(chars[chars.count - 1])
        }
    }

    /// A bank card shown by its tail only: "****1234".
    public static func card(tail: String) -> String { "****" + String(tail.suffix(4)) }

    /// An 18-character resident ID shown as its first 3 and last 2 characters: 130***********12.
    public static func idNumber(_ text: String) -> String {
        let chars = Array(text)
        guard chars.count > 5 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 5) + String(chars.suffix(2))
    }

    /// Replaces every run of 11 or more digits in free text (a phone, a card, an ID) with its masked
    /// form, so text taken from input can be echoed safely.
    public static func digitRuns(in text: String) -> String {
        // Most text has no such run: find that out on the bytes, without building a copy.
        var longest = 0
        var current = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                current += 1
                longest = max(longest, current)
            } else {
                current = 0
            }
        }
        guard longest >= 11 else { return text }
        var out = ""
        var run = ""
        func flush() {
            if run.count >= 11 { out += run.count == 11 ? phone(run) : idNumber(run) } else { out += run }
            run = ""
        }
        for char in text {
            if char.isASCIIDigit { run.append(char) } else { flush(); out.append(char) }
        }
        flush()
        return out
    }
}

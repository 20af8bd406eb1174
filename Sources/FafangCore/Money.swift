import Foundation

/// An exact amount of Chinese yuan, held as a whole number of fen (分, 0.01 元).
///
/// Never floating point. Parsing accepts 元 with up to two decimals and 万元 with up to six
/// decimals (one fen is 0.000001 万元); anything finer is an error, not a rounding.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The amount in fen.
    public var fen: Int64

    public init(fen: Int64) { self.fen = fen }

    public static let zero = Money(fen: 0)

    /// Whole yuan.
    public static func yuan(_ yuan: Int64) -> Money { Money(fen: yuan * 100) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fen < rhs.fen }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen + rhs.fen) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen - rhs.fen) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.fen += rhs.fen }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.fen -= rhs.fen }
    public static prefix func - (value: Money) -> Money { Money(fen: -value.fen) }

    /// Why a text is not an amount of money.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case malformed(String)
        case tooPrecise(String, maxDecimals: Int)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .empty: return "empty amount"
            case let .malformed(text): return "not an amount (got \"\(text)\")"
            case let .tooPrecise(text, max): return "more than \(max) decimals (got \"\(text)\")"
            case let .tooLarge(text): return "amount too large (got \"\(text)\")"
            }
        }
    }

    /// Parses an amount in 元: "1800", "2970000.00", "1,234.5", "-3.07", "¥12.00", "12元".
    public static func parseYuan(_ text: String) throws(ParseError) -> Money {
        try parse(text, scaleDigits: 2, strippingSuffixes: ["元", "圆"])
    }

    /// Parses an amount in 万元: "594.00" is 5,940,000.00 元 = 594,000,000 fen.
    public static func parseWan(_ text: String) throws(ParseError) -> Money {
        try parse(text, scaleDigits: 6, strippingSuffixes: ["万元", "万"])
    }

    /// Parses a decimal text into an integer of `10^-scaleDigits` units (fen for 元, fen for 万元).
    private static func parse(
        _ raw: String, scaleDigits: Int, strippingSuffixes: [String]
    ) throws(ParseError) -> Money {
        if let plain = DecimalText.parsePlain(raw, scaleDigits: scaleDigits) { return Money(fen: plain) }
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        for suffix in strippingSuffixes where text.hasSuffix(suffix) {
            text = String(text.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        if text.hasPrefix("¥") || text.hasPrefix("￥") { text.removeFirst() }
        guard !text.isEmpty else { throw .empty }
        let value = try DecimalText.parse(text, scaleDigits: scaleDigits, original: raw)
        return Money(fen: value)
    }

    /// "2,970,000.00" — grouped yuan with two decimals; negative amounts start with "-".
    public var yuanString: String { DecimalText.format(fen, decimals: 2, grouped: true) }

    /// "2970000.00" — plain yuan with two decimals, for machine-readable output.
    public var plainYuanString: String { DecimalText.format(fen, decimals: 2, grouped: false) }

    /// "594.00" when whole to 0.01 万元, else as many decimals as needed (up to six).
    public var wanString: String {
        var decimals = 6
        var value = fen
        while decimals > 2, value % 10 == 0 {
            value /= 10
            decimals -= 1
        }
        return DecimalText.format(value, decimals: decimals, grouped: false)
    }

    public var description: String { "\(yuanString) 元" }

    /// The share `numerator / denominator` of this amount, rounded half away from zero to the fen.
    public func fraction(_ numerator: Int64, of denominator: Int64) -> Money {
        precondition(denominator > 0, "denominator must be positive")
        let (high, low) = fen.multipliedFullWidth(by: numerator)
        let wide = (Int128(high) << 64) | Int128(low)
        return Money(fen: Int64(DecimalText.divideRoundingHalfAway(wide, Int128(denominator))))
    }

    /// `fraction(_:of:)`, or nil when the result is beyond what fen can count (Int64).
    public func checkedFraction(_ numerator: Int64, of denominator: Int64) -> Money? {
        guard denominator > 0 else { return nil }
        let (high, low) = fen.multipliedFullWidth(by: numerator)
        let wide = (Int128(high) << 64) | Int128(low)
        return Int64(exactly: DecimalText.divideRoundingHalfAway(wide, Int128(denominator))).map { Money(fen: $0) }
    }
}

extension Sequence where Element == Money {
    /// The exact total.
    public func sum() -> Money { reduce(.zero, +) }
}

/// Exact decimal text ⇄ scaled integers, shared by money, acreage and percentages.
public enum DecimalText {
    /// Parses "1,234.56" into 123456 for `scaleDigits` 2. Thousands separators are allowed only
    /// in the integer part; no exponent; at most `scaleDigits` decimals.
    public static func parse(
        _ text: String, scaleDigits: Int, original: String? = nil
    ) throws(Money.ParseError) -> Int64 {
        let shown = original ?? text
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" || chars.first == "+" {
            negative = chars.first == "-"
            chars.removeFirst()
        }
        let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = parts[0].replacingOccurrences(of: ",", with: "")
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        guard !intPart.isEmpty || !fracPart.isEmpty,
              intPart.allSatisfy(\.isASCIIDigit), fracPart.allSatisfy(\.isASCIIDigit),
              parts.count == 1 || !fracPart.isEmpty
        else { throw .malformed(shown) }
        if parts[0].contains(",") {
            // Groups of three after the first.
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            guard groups.count > 1, (1...3).contains(groups[0].count),
                  groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { throw .malformed(shown) }
        }
        // Trailing zeros beyond the scale are harmless ("594.000000").
        var frac = fracPart
        while frac.count > scaleDigits, frac.hasSuffix("0") { frac.removeLast() }
        guard frac.count <= scaleDigits else { throw .tooPrecise(shown, maxDecimals: scaleDigits) }
        frac += String(repeating: "0", count: scaleDigits - frac.count)
        let digits = (intPart.isEmpty ? "0" : intPart) + frac
        let trimmed = digits.drop(while: { $0 == "0" })
        guard trimmed.count <= 18, let magnitude = Int64(trimmed.isEmpty ? "0" : String(trimmed))
        else { throw .tooLarge(shown) }
        return negative ? -magnitude : magnitude
    }

    /// The common case of `parse`, on the bytes: digits, then optionally a point and at most
    /// `scaleDigits` digits ("1800", "42.53"). Nil for any other text, which `parse` then reads
    /// (and refuses with the reason, when it must).
    public static func parsePlain(_ text: String, scaleDigits: Int) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        var decimals = -1  // -1 until the point
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard decimals < 0, digits > 0 else { return nil }
                decimals = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18, decimals < scaleDigits else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
            if decimals >= 0 { decimals += 1 }
        }
        let padding = scaleDigits - Swift.max(decimals, 0)
        // At most 18 digits once scaled: below Int64.max (longer texts take the long way).
        guard digits > 0, decimals != 0, digits + padding <= 18 else { return nil }
        for _ in 0..<padding { value *= 10 }
        return value
    }

    /// Formats 123456 with `decimals` 2 as "1234.56" (or "1,234.56" grouped).
    public static func format(_ value: Int64, decimals: Int, grouped: Bool) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let intPart = String(magnitude / scale)
        var result = grouped ? group(intPart) : intPart
        if decimals > 0 {
            let frac = String(magnitude % scale)
            result += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return negative ? "-" + result : result
    }

    private static func group(_ digits: String) -> String {
        var out: [Character] = []
        for (index, char) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(char)
        }
        return String(out.reversed())
    }

    /// `numerator / denominator`, rounded half away from zero; `denominator` > 0.
    static func divideRoundingHalfAway(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        if remainder.magnitude * 2 >= denominator.magnitude {
            return numerator < 0 ? quotient - 1 : quotient + 1
        }
        return quotient
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

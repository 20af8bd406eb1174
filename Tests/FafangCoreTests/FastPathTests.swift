@testable import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// The byte-level fast paths a million-row register takes give exactly the verdicts of the
/// character-level rules they shortcut.
@Suite("Fast paths: the same verdicts as the full rules")
struct FastPathTests {
    /// `PhoneNumber.init` as it was before the fast path (main at 926d7c8).
    static func referencePhone(_ text: String) -> String? {
        var chars = text.filter { !" -\u{3000}".contains($0) }
        if chars.hasPrefix("+86") { chars.removeFirst(3) } else if chars.count == 13, chars.hasPrefix("86") { chars.removeFirst(2) }
        guard chars.count == 11, chars.allSatisfy(\.isASCIIDigit), chars.first == "1",
              let second = chars.dropFirst().first, ("3"..."9").contains(second)
        else { return nil }
        return chars
    }

    static func random(_ rng: inout SplitMix64, from pieces: [String], length: Int) -> String {
        (0..<length).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    @Test("phones: random texts near the rules")
    func phones() {
        var rng = SplitMix64(seed: 11)
        let pieces = ["1", "3", "8", "6", "0", "9", "2", " ", "-", "+", "+86", "86", "\u{3000}", "a", "\r\n", "１"]
        for _ in 0..<5_000 {
            let text = Self.random(&rng, from: pieces, length: Int(rng.next() % 16))
            #expect(PhoneNumber(text)?.digits == Self.referencePhone(text), "\(text.debugDescription)")
        }
        for text in ["13812345678", "+86 138 1234 5678", "86-138-1234-5678", "8613812345678", "+8613812345678", "+13812345678",
                     "12812345678", "1381234567", "138123456789", "++8613812345678", "86+13812345678"] {
            #expect(PhoneNumber(text)?.digits == Self.referencePhone(text), "\(text)")
        }
    }

    @Test("plain decimals: the same value as the full parser, or left to it")
    func plainDecimals() {
        var rng = SplitMix64(seed: 12)
        let pieces = ["0", "1", "5", "9", ".", "00", "123456789"]
        var taken = 0
        for _ in 0..<5_000 {
            let text = Self.random(&rng, from: pieces, length: Int(rng.next() % 6))
            for scale in [2, 6] {
                guard let fast = DecimalText.parsePlain(text, scaleDigits: scale) else { continue }
                taken += 1
                #expect(fast == (try? DecimalText.parse(text, scaleDigits: scale)), "\(text) at scale \(scale)")
            }
        }
        #expect(taken > 300)
        #expect(DecimalText.parsePlain("1,234.5", scaleDigits: 2) == nil)
        #expect(DecimalText.parsePlain("5.", scaleDigits: 2) == nil)
        #expect(DecimalText.parsePlain(".5", scaleDigits: 2) == nil)
        #expect(DecimalText.parsePlain("1.005", scaleDigits: 2) == nil)
        #expect(DecimalText.parsePlain("999999999999999999", scaleDigits: 2) == nil, "too long: the full parser refuses it")
        #expect(DecimalText.parsePlain("42.53", scaleDigits: 2) == 4253)
        #expect(DecimalText.parsePlain("594", scaleDigits: 6) == 594_000_000)
    }
}

extension FastPathTests {
    @Test("dates: the written form and the ISO reading, on the bytes as with printf and split")
    func dates() {
        for days in stride(from: -800_000, through: 3_000_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.description == String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
            if (1...9999).contains(date.year) { #expect(CivilDate(iso: date.description) == date) }
        }
        for text in ["2021-02-30", "2021-13-01", "0000-01-01", "2021-3-15", " 2021-03-15", "2021-+3-15", "2021-03-1５", "202１-03-15"] {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
            var expected: CivilDate?
            if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
               let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) { expected = CivilDate(year: y, month: m, day: d) }
            #expect(CivilDate(iso: text) == expected, "\(text)")
        }
    }
}

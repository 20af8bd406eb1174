@testable import FafangConfig
import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// A bank file's dates are read on the bytes when they are plain: the verdicts of the full rules.
@Suite("Bank file dates: the fast path gives the full rules' verdicts")
struct LedgerDateTests {
    /// `LedgerFile.parseDate` before the fast path (main at 926d7c8).
    static func reference(_ text: String) -> CivilDate? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.count == 8, t.allSatisfy(\.isNumber), let y = Int(t.prefix(4)), let m = Int(t.dropFirst(4).prefix(2)), let d = Int(t.suffix(2)) {
            return CivilDate(year: y, month: m, day: d)
        }
        let parts = t.split(whereSeparator: { "-/.年月日".contains($0) }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    @Test func randomDates() {
        var rng = SplitMix64(seed: 21)
        let pieces = ["2021", "0", "1", "3", "12", "31", "-", "/", ".", "//", "年", "月", "日", " ", "+", "20210315", "９"]
        for _ in 0..<5_000 {
            let text = (0..<Int(rng.next() % 7)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            #expect(LedgerFile.parseDate(text) == Self.reference(text), "\(text.debugDescription)")
        }
        for text in ["2021-03-15", "2021/3/15", "2021.3.15", "20210315", "2021年3月15日", "/2021//3/15/", "2021-02-29", "20211301", "2021-3"] {
            #expect(LedgerFile.parseDate(text) == Self.reference(text), "\(text)")
        }
    }
}

import FafangCore
import FafangTestSupport
import Testing

@Suite("Money")
struct MoneyTests {
    @Test("parses 元", arguments: [
        ("1800", 180_000), ("1800.5", 180_050), ("2970000.00", 297_000_000), ("1,234.56", 123_456),
        ("0.01", 1), ("-3.07", -307), ("¥12.00", 1200), ("12元", 1200), (" 7 ", 700), ("594.000", 59_400),
    ] as [(String, Int64)])
    func parsesYuan(text: String, fen: Int64) throws {
        #expect(try Money.parseYuan(text).fen == fen)
    }

    @Test("parses 万元", arguments: [
        ("594.00", 594_000_000), ("45.93", 45_930_000), ("21.15", 21_150_000), ("0", 0), ("3.07万", 3_070_000),
        ("0.000001", 1), ("310.50万元", 310_500_000),
    ] as [(String, Int64)])
    func parsesWan(text: String, fen: Int64) throws {
        #expect(try Money.parseWan(text).fen == fen)
    }

    @Test("rejects malformed amounts", arguments: ["", "abc", "1.2.3", "594.0O", "1e5", "12,34", "1,2345.00", ".", "--1", "1 000"])
    func rejectsMalformed(text: String) {
        #expect(throws: Money.ParseError.self) { try Money.parseYuan(text) }
    }

    @Test func rejectsTooPrecise() {
        #expect(throws: Money.ParseError.tooPrecise("0.001", maxDecimals: 2)) { try Money.parseYuan("0.001") }
        #expect(throws: Money.ParseError.tooPrecise("0.0000001", maxDecimals: 6)) { try Money.parseWan("0.0000001") }
    }

    @Test func rejectsOverflow() {
        #expect(throws: Money.ParseError.tooLarge("99999999999999999999")) { try Money.parseYuan("99999999999999999999") }
    }

    @Test func formats() {
        #expect(Money(fen: 297_000_000).yuanString == "2,970,000.00")
        #expect(Money(fen: -5).yuanString == "-0.05")
        #expect(Money(fen: 594_000_000).wanString == "594.00")
        #expect(Money(fen: 45_932_400).wanString == "45.9324")
        #expect(Money(fen: 1).wanString == "0.000001")
        #expect(Money(fen: 123).plainYuanString == "1.23")
    }

    @Test("round-trips through text for random amounts")
    func roundTrips() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let fen = Int64(bitPattern: rng.next()) % 1_000_000_000_000
            let money = Money(fen: fen)
            #expect(try Money.parseYuan(money.yuanString) == money)
            #expect(try Money.parseYuan(money.plainYuanString) == money)
            #expect(try Money.parseWan(money.wanString) == money)
        }
    }

    @Test func fractionRoundsHalfAwayFromZero() {
        #expect(Money(fen: 5).fraction(1, of: 2).fen == 3)
        #expect(Money(fen: -5).fraction(1, of: 2).fen == -3)
        #expect(Money(fen: 594_000_000).fraction(2500, of: 10_000).fen == 148_500_000)
        // No overflow on large products.
        #expect(Money(fen: 9_000_000_000_000_000).fraction(9_000, of: 10_000).fen == 8_100_000_000_000_000)
    }

    @Test func percentTargets() throws {
        let budget = try Money.parseWan("594.00")
        #expect(Percent.whole(50).of(budget) == Money.yuan(2_970_000))
        #expect(try Percent.parse("33.33%").of(Money.yuan(100)).fen == 3333)
        #expect(try Percent.parse("25.00%") == .whole(25))
    }
}

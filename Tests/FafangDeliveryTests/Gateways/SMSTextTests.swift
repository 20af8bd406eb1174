import FafangCore
import FafangDelivery
import Testing

@Suite("SMS text: encoding, length and segments as carriers count them")
struct SMSTextTests {
    static let signature = "银城铺乡财政所"  // 7 characters: 【银城铺乡财政所】 is 9

    /// A Chinese text of exactly `total` UTF-16 units with the signature.
    static func chinese(total: Int) -> String { String(repeating: "发", count: total - 9) }

    @Test("UCS-2 (Chinese, with 【签名】)", arguments: [
        (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4),
    ])
    func chineseSegments(total: Int, segments: Int) {
        let text = SMSText(signature: Self.signature, body: Self.chinese(total: total))
        #expect(text.encoding == .ucs2)
        #expect(text.units == total)
        #expect(text.segments == segments)
        #expect(text.text.hasPrefix("【银城铺乡财政所】"))
    }

    @Test("an emoji counts 2", arguments: [
        // (Chinese characters before the emoji, units, segments)
        (66, 68, 1), (68, 70, 1), // fits one segment of 70
        (69, 71, 2),              // 71 units: split, 67 | 2 + 2
        (132, 134, 2),            // 67 | 65 + 2
        (133, 135, 3),            // 67 | 66, the emoji does not fit: | 2
    ])
    func emojiAtTheBoundary(before: Int, units: Int, segments: Int) {
        let text = SMSText(String(repeating: "发", count: before) + "😀")
        #expect(text.encoding == .ucs2)
        #expect(text.units == units)
        #expect(text.segments == segments)
    }

    @Test("an emoji straddling a segment boundary is not cut")
    func emojiStraddles() {
        // 66 + 2 + 66 = 134 units would fill exactly two segments of 67 if the pair could be cut;
        // it cannot: 66 | 2 + 65 | 1 → 3 segments.
        let text = SMSText(String(repeating: "发", count: 66) + "😀" + String(repeating: "发", count: 66))
        #expect(text.units == 134)
        #expect(text.segments == 3)
    }

    @Test("GSM-7 (pure ASCII)", arguments: [(160, 1), (161, 2), (306, 2), (307, 3)])
    func asciiSegments(length: Int, segments: Int) {
        let text = SMSText(String(repeating: "a", count: length))
        #expect(text.encoding == .gsm7)
        #expect(text.units == length)
        #expect(text.segments == segments)
    }

    @Test("GSM extension characters count 2")
    func gsmExtension() {
        let text = SMSText(String(repeating: "a", count: 158) + "€")
        #expect(text.encoding == .gsm7)
        #expect(text.units == 160)
        #expect(text.segments == 1)
        #expect(SMSText(String(repeating: "a", count: 159) + "[").segments == 2)
        // An escape pair is not cut: 152 + "{" does not fit 153.
        #expect(SMSText(String(repeating: "a", count: 152) + "{" + String(repeating: "a", count: 152)).segments == 3)
    }

    @Test("one character outside GSM-7 makes the whole text UCS-2")
    func mixed() {
        let text = SMSText(String(repeating: "a", count: 70) + "元")
        #expect(text.encoding == .ucs2)
        #expect(text.units == 71)
        #expect(text.segments == 2)
    }

    @Test func rulesRefuseTooManySegmentsWithoutQuotingTheText() {
        let rules = SMSTextRules(signature: Self.signature, maxSegments: 2)
        let body = Self.chinese(total: 135) + "13812345678"
        #expect {
            _ = try rules.compose(body, gateway: "kannel")
        } throws: { error in
            let text = "\(error)"
            return text.contains("max_segments = 2") && text.contains("3 segments") && !text.contains("发发") && !text.contains("13812345678")
        }
        #expect(throws: GatewayError.self) { _ = try rules.compose("  \n", gateway: "kannel") }
        #expect((try? rules.compose(Self.chinese(total: 134), gateway: "kannel"))?.segments == 2)
    }

    @Test func descriptionHasCountsOnly() {
        #expect(SMSText(signature: Self.signature, body: "王一户").description == "ucs2, 12 units, 1 segment")
    }
}

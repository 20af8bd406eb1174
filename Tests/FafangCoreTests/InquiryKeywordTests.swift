import FafangCore
import Testing

@Suite("Inquiry keywords")
struct InquiryKeywordTests {
    @Test("查询 and its variants are understood, full- or half-width, with blanks", arguments: [
        "查询", "查 询", " 查询。", "CX", "cx", "ｃｘ", "Ｃ Ｘ", "查", "余额", "余　额", "查询！",
    ])
    func understood(_ text: String) {
        #expect(InquiryKeywords().matches(text))
    }

    @Test("other texts are not queries", arguments: ["你好", "查询余额吧", "CXX", "", "TD", "退订"])
    func notUnderstood(_ text: String) {
        #expect(!InquiryKeywords().matches(text))
    }

    @Test("extra keywords from [inquiry] keywords are normalised the same way")
    func extra() {
        let keywords = InquiryKeywords(extra: ["ｃｋ", "查 账"])
        #expect(keywords.matches("CK") && keywords.matches("查账"))
        #expect(!InquiryKeywords().matches("CK"))
    }
}

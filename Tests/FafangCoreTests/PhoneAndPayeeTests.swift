import FafangCore
import Testing

@Suite("Phones, masking and amounts owed")
struct PhoneAndPayeeTests {
    @Test("accepts mainland mobiles", arguments: ["13812345678", "+86 138 1234 5678", "86-138-1234-5678", "19912345678"])
    func acceptsMobiles(text: String) throws {
        let phone = try #require(PhoneNumber(text))
        #expect(phone.digits.count == 11)
    }

    @Test("rejects others", arguments: ["1381234567", "138123456789", "12812345678", "23812345678", "0315-5551234", "1381234567a", ""])
    func rejects(text: String) {
        #expect(PhoneNumber(text) == nil)
    }

    @Test func masksEverywhere() throws {
        let phone = try #require(PhoneNumber("13812345678"))
        #expect(phone.masked == "138****5678")
        #expect("\(phone)" == "138****5678")
        #expect(Mask.card(tail: "6222021234567890123") == "****0123")
        #expect(Mask.idNumber("130223199001011234") == "130*************34")
        let text = Mask.digitRuns(in: "call 13812345678 or id 130223199001011234, card 1234")
        #expect(text == "call 138****5678 or id 130*************34, card 1234")
    }

    @Test func householdOwed() throws {
        let household = Household(id: "H1", name: "王", village: "殷官屯村", phone: nil, cardTail: "1234",
                                  area: try Acreage.parse("42.53"), rate: .yuan(1800), years: 6)
        #expect(household.owed == Money.yuan(459_324))
        let odd = Household(id: "H2", name: "李", village: "殷官屯村", phone: nil, cardTail: "1234",
                            area: try Acreage.parse("0.01"), rate: Money(fen: 150), years: 1)
        #expect(odd.owed.fen == 2)  // 1.5 fen rounds half away from zero
    }

    @Test func reconciliation() {
        let payees = [Payee(party: .person(Person(id: "A", name: "甲", village: "v", phone: nil, cardTail: "0000", amount: .yuan(10))), owed: .yuan(10)),
                      Payee(party: .person(Person(id: "B", name: "乙", village: "v", phone: nil, cardTail: "0000", amount: .yuan(5))), owed: .yuan(5))]
        let result = Reconciliation(budget: .yuan(14), payees: payees)
        #expect(result.owed == .yuan(15))
        #expect(result.difference == .yuan(1))
        #expect(!result.balances)
    }
}

@Suite struct NameMaskTests {
    @Test(arguments: [("张三华", "张*华"), ("欧阳娜娜", "欧**娜"), ("张三", "张*"), ("王", "王"), ("", ""), (" 李四 ", "李*")])
    func namesKeepTheirFirstAndLastCharacters(name: String, masked: String) {
        #expect(Mask.name(name) == masked)
    }
}

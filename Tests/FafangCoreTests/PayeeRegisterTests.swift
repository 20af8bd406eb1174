import FafangCore
import FafangTestSupport
import Testing

/// The compact register gives back exactly the payees put in, finds them by id as a dictionary
/// did (the first of equal ids), and its columns agree with the payees they come from.
@Suite("Payee register: compact columns, the same payees")
struct PayeeRegisterTests {
    static func household(_ id: String, village: String = "甲村", tail: String = "0123", years: Int = 3, phone: String? = "17000000001") -> Payee {
        Payee(Household(id: id, name: "王\(id)", village: village, phone: phone.flatMap(PhoneNumber.init), cardTail: tail,
                        area: Acreage(centimu: 4253), rate: .yuan(1800), years: years))
    }

    static let mixed: [Payee] = [
        household("H1"),
        household("H2", village: "乙村", tail: "0000", phone: nil),
        // Kept whole: a tail that is not four digits, years beyond a byte, an owed amount of its own.
        household("H3", tail: "12"),
        household("H4", years: 300),
        Payee(party: .household(Household(id: "H5", name: "李", village: "丙村", phone: nil, cardTail: "9999",
                                           area: Acreage(centimu: 1), rate: .yuan(1), years: 1)), owed: .yuan(7)),
        Payee(Person(id: "P1", name: "王淑兰", village: "甲村", phone: PhoneNumber("+86 139 0000 0002"), cardTail: "4321", amount: Money(fen: 20_050))),
        Payee(party: .village(Village(id: "V1", name: "金域名邸社区", contactPhone: PhoneNumber("17000000003"), webhooks: ["robot-a"], synthetic: true)),
              owed: .yuan(100)),
        household("H1", village: "丁村"),  // a second H1: lookups find the first
        household("", village: ""),
    ]

    @Test func givesBackWhatWasPutIn() {
        let register = PayeeRegister(Self.mixed)
        #expect(register.count == Self.mixed.count)
        #expect(Array(register) == Self.mixed)
        for (position, payee) in Self.mixed.enumerated() {
            #expect(register.id(at: position) == payee.id)
            #expect(register.kind(at: position) == payee.kind)
            #expect(register.owed(at: position) == payee.owed)
            #expect(register.village(at: position) == payee.village)
        }
        #expect(register.phone(at: 0) == PhoneNumber("17000000001"))
        #expect(register.phone(at: 1) == nil)
        #expect(register.phone(at: 6) == PhoneNumber("17000000003"))
        #expect(register.totalOwed == Self.mixed.map(\.owed).sum())
        #expect(register.villages == ["甲村", "乙村", "丙村", "金域名邸社区", "丁村", ""])
        #expect(register == PayeeRegister(Self.mixed))
        #expect(register != PayeeRegister(Self.mixed.dropLast()))
    }

    @Test func findsByIDTheFirstOfEqualIDs() {
        let register = PayeeRegister(Self.mixed)
        #expect(register.position(of: "H1") == 0)
        #expect(register.payee(id: "H1")?.village == "甲村")
        #expect(register.position(of: "P1") == 5)
        #expect(register.position(of: "") == 8)
        #expect(register.position(of: "H9") == nil)
        // String == matches canonically equivalent text: so does the register.
        let kelvin = PayeeRegister([Self.household("K1")])
        #expect(kelvin.position(of: "\u{212A}1") == 0)
    }

    @Test("a hundred thousand ids, each found, none invented")
    func manyIDs() {
        var register = PayeeRegister()
        register.reserveCapacity(100_000)
        for index in 0..<100_000 { register.append(Self.household("H\(index)", village: "村\(index % 37)")) }
        #expect(register.villages.count == 37)
        var rng = SplitMix64(seed: 3)
        for _ in 0..<10_000 {
            let index = Int(rng.next() % 100_000)
            #expect(register.position(of: "H\(index)") == index)
            #expect(register.position(of: "X\(index)") == nil)
        }
        #expect(register[99_999] == Self.household("H99999", village: "村\(99_999 % 37)"))
    }

    @Test func packedStringsIndex() {
        var strings = PackedStrings(indexed: true)
        #expect(strings.insert("a") == (true, 0))
        #expect(strings.insert("") == (true, 1))
        #expect(strings.insert("a") == (false, 0))
        strings.append("a")
        #expect(strings.count == 3)
        #expect(strings[2] == "a")
        #expect(strings.position(of: "a") == 0)
        #expect(strings.position(of: "王") == nil)
        var plain = PackedStrings()
        plain.append("王")
        #expect(plain[0] == "王")
        #expect(plain.position(of: "王") == nil, "not indexed")
    }
}

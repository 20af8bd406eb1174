import Foundation

/// The payees of one project's register, held compactly and found by id in constant time.
///
/// A county's register has a million households; as `[Payee]` each would be an enum holding six
/// `String`s. Here every field is a column: ids and names packed end to end (`PackedStrings`),
/// village names interned (each stored once, rows hold a number), phones as integers, card
/// tails as four-digit numbers, areas, rates and amounts as integers. A `Payee` is made only
/// when one is asked for (`register[i]`, `payee(id:)`); the scheduler's passes over every payee
/// read the columns they need (`id(at:)`, `owed(at:)`, `village(at:)`) without making one.
///
/// Rows that do not fit the columns (a village committee, a card tail that is not four digits,
/// years above 255 — only possible through the public initialisers) are kept whole beside them.
public struct PayeeRegister: RandomAccessCollection, ExpressibleByArrayLiteral, Hashable, Sendable {
    private var kinds: [PayeeKind] = []
    private var ids = PackedStrings(indexed: true)
    private var names = PackedStrings()
    /// Village names in the order they first appear (found by their bytes: the exact text
    /// each row gave is kept); `placeOf[i]` numbers row `i`'s.
    private var places: [String] = []
    private var placeIndex = PackedStrings(indexed: true)
    private var placeOf: [UInt32] = []
    /// The 11 digits as a number; 0 when the payee has no phone.
    private var phones: [UInt64] = []
    private var owedFen: [Int64] = []
    // Households and persons only (zero for rows kept whole):
    private var cardTails: [UInt16] = []
    private var centimu: [Int64] = []
    private var rates: [Int64] = []
    private var years: [UInt8] = []
    /// Rows kept as they were given, by position.
    private var whole: [Int: Payee] = [:]

    public init() {}

    public init(_ payees: some Sequence<Payee>) {
        for payee in payees { append(payee) }
    }

    public init(arrayLiteral payees: Payee...) { self.init(payees) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { kinds.count }

    /// Keeps room for `count` payees.
    public mutating func reserveCapacity(_ count: Int) {
        kinds.reserveCapacity(count)
        owedFen.reserveCapacity(count)
        centimu.reserveCapacity(count)
        rates.reserveCapacity(count)
        phones.reserveCapacity(count)
        placeOf.reserveCapacity(count)
        cardTails.reserveCapacity(count)
        years.reserveCapacity(count)
        ids.reserveCapacity(strings: count, bytes: count * 8)
        names.reserveCapacity(strings: count, bytes: count * 9)
    }

    public mutating func append(_ payee: Payee) {
        let position = kinds.count
        kinds.append(payee.kind)
        ids.append(payee.id)
        names.append(payee.name)
        placeOf.append(number(of: payee.village))
        phones.append(Self.phone(of: payee).flatMap { UInt64($0.digits) } ?? 0)
        owedFen.append(payee.owed.fen)
        var packed: (tail: UInt16, centimu: Int64, rate: Int64, years: UInt8)?
        switch payee.party {
        case let .household(h):
            if let tail = Self.tail(h.cardTail), let years = UInt8(exactly: h.years), payee.owed == h.owed {
                packed = (tail, h.area.centimu, h.rate.fen, years)
            }
        case let .person(p):
            if let tail = Self.tail(p.cardTail), payee.owed == p.amount { packed = (tail, 0, 0, 0) }
        case .village:
            break
        }
        cardTails.append(packed?.tail ?? 0)
        centimu.append(packed?.centimu ?? 0)
        rates.append(packed?.rate ?? 0)
        years.append(packed?.years ?? 0)
        if packed == nil { whole[position] = payee }
    }

    public subscript(position: Int) -> Payee {
        if !whole.isEmpty, let payee = whole[position] { return payee }
        let tail = String(cardTails[position]).leftPadded(to: 4)
        switch kinds[position] {
        case .household:
            return Payee(Household(id: ids[position], name: names[position], village: village(at: position), phone: phone(at: position),
                                   cardTail: tail, area: Acreage(centimu: centimu[position]), rate: Money(fen: rates[position]),
                                   years: Int(years[position])))
        case .village:
            // Always kept whole (see `append`); rebuilt from the columns should that change.
            let village = Village(id: ids[position], name: names[position], contactPhone: phone(at: position), webhooks: [], synthetic: false)
            return Payee(party: .village(village), owed: Money(fen: owedFen[position]))
        case .person:
            return Payee(Person(id: ids[position], name: names[position], village: village(at: position), phone: phone(at: position),
                                cardTail: tail, amount: Money(fen: owedFen[position])))
        }
    }

    // MARK: Columns, read without making a Payee

    public func id(at position: Int) -> String { ids[position] }
    public func kind(at position: Int) -> PayeeKind { kinds[position] }
    public func owed(at position: Int) -> Money { Money(fen: owedFen[position]) }
    /// The village the payee belongs to (a village's own name).
    public func village(at position: Int) -> String { places[Int(placeOf[position])] }
    /// The payee's mobile (a village committee's contact phone).
    public func phone(at position: Int) -> PhoneNumber? {
        phones[position] == 0 ? nil : PhoneNumber(checkedDigits: String(phones[position]))
    }

    /// The position of the first payee with this id. Ids are matched as `String ==` matches
    /// them: an id given in another Unicode form (a bank file's KELVIN SIGN for K) is found too.
    public func position(of id: String) -> Int? {
        if let position = ids.position(of: id) { return position }
        guard id.utf8.contains(where: { $0 >= 0x80 }) else { return nil }
        let composed = id.precomposedStringWithCanonicalMapping
        return composed.utf8.elementsEqual(id.utf8) ? nil : ids.position(of: composed)
    }

    /// The first payee with this id.
    public func payee(id: String) -> Payee? { position(of: id).map { self[$0] } }

    /// Every village named, once each, in the order the register first names them.
    public var villages: [String] { places }

    /// What the register owes in all.
    public var totalOwed: Money { Money(fen: owedFen.reduce(0, +)) }

    // MARK: Packing

    private mutating func number(of village: String) -> UInt32 {
        let (inserted, position) = placeIndex.insert(village)
        if inserted { places.append(village) }
        return UInt32(truncatingIfNeeded: position)
    }

    /// Four ASCII digits as a number; nil for anything else.
    private static func tail(_ text: String) -> UInt16? {
        guard text.utf8.count == 4, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return UInt16(text)
    }

    private static func phone(of payee: Payee) -> PhoneNumber? {
        switch payee.party {
        case let .household(h): return h.phone
        case let .person(p): return p.phone
        case let .village(v): return v.contactPhone
        }
    }
}

extension String {
    /// Zeros in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        let length = utf8.count
        return length >= width ? self : String(repeating: "0", count: width - length) + self
    }
}

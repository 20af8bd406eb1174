import Foundation

/// Which register a payee comes from.
public enum PayeeKind: String, CaseIterable, Sendable, Codable {
    case household
    case person
    case village
}

/// An area of land in hundredths of a 亩: 1100.00 亩 is 110000.
public struct Acreage: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var centimu: Int64

    public init(centimu: Int64) { self.centimu = centimu }

    /// Parses "1100", "42.53", "3.5亩" (at most two decimals).
    public static func parse(_ text: String) throws(Money.ParseError) -> Acreage {
        if let plain = DecimalText.parsePlain(text, scaleDigits: 2) { return Acreage(centimu: plain) }
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("亩") { t.removeLast() }
        guard !t.isEmpty else { throw .empty }
        return Acreage(centimu: try DecimalText.parse(t, scaleDigits: 2, original: text))
    }

    public static func < (lhs: Acreage, rhs: Acreage) -> Bool { lhs.centimu < rhs.centimu }
    public static func + (lhs: Acreage, rhs: Acreage) -> Acreage { Acreage(centimu: lhs.centimu + rhs.centimu) }

    /// "1100.00".
    public var description: String { DecimalText.format(centimu, decimals: 2, grouped: false) }
}

/// A farm household paid land rent: `area` 亩 × `rate` per 亩 per year × `years`.
public struct Household: Hashable, Sendable {
    public var id: String
    public var name: String
    public var village: String
    public var phone: PhoneNumber?
    /// Last four digits of the bank card; never the whole number.
    public var cardTail: String
    public var area: Acreage
    /// 元 per 亩 per year.
    public var rate: Money
    public var years: Int

    public init(id: String, name: String, village: String, phone: PhoneNumber?, cardTail: String,
                area: Acreage, rate: Money, years: Int) {
        self.id = id
        self.name = name
        self.village = village
        self.phone = phone
        self.cardTail = cardTail
        self.area = area
        self.rate = rate
        self.years = years
    }

    /// 亩 × rate × years, rounded half away from zero to the fen (exact for whole-fen rates).
    public var owed: Money { rate.fraction(area.centimu * Int64(years), of: 100) }

    /// `owed`, or nil when it is beyond what fen can count: a register row with an absurd area
    /// is refused with that, not a crash.
    public var checkedOwed: Money? {
        let (product, overflow) = area.centimu.multipliedReportingOverflow(by: Int64(years))
        return overflow ? nil : rate.checkedFraction(product, of: 100)
    }
}

/// A person paid a fixed subsidy.
public struct Person: Hashable, Sendable {
    public var id: String
    public var name: String
    public var village: String
    public var phone: PhoneNumber?
    public var cardTail: String
    public var amount: Money

    public init(id: String, name: String, village: String, phone: PhoneNumber?, cardTail: String, amount: Money) {
        self.id = id
        self.name = name
        self.village = village
        self.phone = phone
        self.cardTail = cardTail
        self.amount = amount
    }
}

/// A village committee (村民委员会) or residents' community (社区), told by webhook.
public struct Village: Hashable, Sendable {
    public var id: String
    public var name: String
    /// The committee's contact phone.
    public var contactPhone: PhoneNumber?
    /// Names of webhook endpoints configured in fafang.toml.
    public var webhooks: [String]
    /// True for the villages the bundled configuration invented.
    public var synthetic: Bool

    public init(id: String, name: String, contactPhone: PhoneNumber?, webhooks: [String], synthetic: Bool) {
        self.id = id
        self.name = name
        self.contactPhone = contactPhone
        self.webhooks = webhooks
        self.synthetic = synthetic
    }
}

/// One payee of a project with what the project owes it.
public struct Payee: Hashable, Sendable {
    public enum Party: Hashable, Sendable {
        case household(Household)
        case person(Person)
        case village(Village)
    }

    public var party: Party
    /// The amount owed over the whole project, exact to the fen.
    public var owed: Money

    public init(party: Party, owed: Money) {
        self.party = party
        self.owed = owed
    }

    public init(_ household: Household) { self.init(party: .household(household), owed: household.owed) }
    public init(_ person: Person) { self.init(party: .person(person), owed: person.amount) }

    public var id: String {
        switch party {
        case let .household(h): return h.id
        case let .person(p): return p.id
        case let .village(v): return v.id
        }
    }

    public var name: String {
        switch party {
        case let .household(h): return h.name
        case let .person(p): return p.name
        case let .village(v): return v.name
        }
    }

    public var kind: PayeeKind {
        switch party {
        case .household: return .household
        case .person: return .person
        case .village: return .village
        }
    }

    /// The village the payee belongs to (its own name for a village).
    public var village: String {
        switch party {
        case let .household(h): return h.village
        case let .person(p): return p.village
        case let .village(v): return v.name
        }
    }
}

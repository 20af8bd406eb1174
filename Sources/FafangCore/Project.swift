import Foundation

/// What a budget project pays for, which decides who its payees are.
public enum ProjectKind: String, CaseIterable, Sendable, Codable {
    /// Land rent to farm households: 亩 × rate × years.
    case landRent = "land_rent"
    /// Subsidies to individual persons, each a fixed amount.
    case subsidy
    /// Transfer payments to village committees (or a residents' community).
    case villageTransfer = "village_transfer"
    /// The township's own operating funds: no outside payees.
    case operating

    /// The kind of payee register a project of this kind needs, if any.
    public var payeeKind: PayeeKind? {
        switch self {
        case .landRent: return .household
        case .subsidy: return .person
        case .villageTransfer: return .village
        case .operating: return nil
        }
    }
}

/// A project's budget (预算数), split into fiscal funds (财政资金) and other funds (其他资金).
public struct Budget: Hashable, Sendable, Codable {
    public var total: Money
    public var fiscal: Money
    public var other: Money

    public init(total: Money, fiscal: Money, other: Money) {
        self.total = total
        self.fiscal = fiscal
        self.other = other
    }

    /// Whether the parts add up to the total.
    public var isConsistent: Bool { fiscal + other == total }
}

/// A percentage held exactly in basis points (hundredths of a percent): 25.00 % is 2500.
public struct Percent: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var basisPoints: Int64

    public init(basisPoints: Int64) { self.basisPoints = basisPoints }
    public static func whole(_ percent: Int64) -> Percent { Percent(basisPoints: percent * 100) }

    /// Parses "25", "25.00", "25.00%", "25%".
    public static func parse(_ text: String) throws(Money.ParseError) -> Percent {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") || t.hasSuffix("％") { t.removeLast() }
        guard !t.isEmpty else { throw .empty }
        return Percent(basisPoints: try DecimalText.parse(t, scaleDigits: 2, original: text))
    }

    public static func < (lhs: Percent, rhs: Percent) -> Bool { lhs.basisPoints < rhs.basisPoints }

    /// "25" for whole percents, else "33.33".
    public var description: String {
        basisPoints % 100 == 0 ? String(basisPoints / 100) : DecimalText.format(basisPoints, decimals: 2, grouped: false)
    }

    /// This share of `amount`, rounded half away from zero to the fen.
    public func of(_ amount: Money) -> Money { amount.fraction(basisPoints, of: 10_000) }
}

/// One step of a cumulative disbursement plan: by the end of `deadline`, `cumulative` of the
/// budget must have been paid out.
public struct Milestone: Hashable, Sendable, Codable {
    public var deadline: CivilDate
    public var cumulative: Percent

    public init(deadline: CivilDate, cumulative: Percent) {
        self.deadline = deadline
        self.cumulative = cumulative
    }
}

/// A performance indicator (绩效指标) row of a goal table.
public struct Indicator: Hashable, Sendable, Codable {
    /// 一级指标, e.g. 产出指标.
    public var level1: String
    /// 二级指标, e.g. 数量指标.
    public var level2: String
    /// 三级指标, e.g. 新增租地款亩数.
    public var level3: String
    /// 绩效指标描述.
    public var description: String
    /// "≥", "≤", ">", "<", "=", or "" when the value is a deadline or free text.
    public var comparator: String
    /// "1100", "年底完成", "2021-12-31".
    public var value: String
    /// "亩", "%", "元", "" …
    public var unit: String
    /// 指标值确定依据.
    public var basis: String

    public init(level1: String, level2: String, level3: String, description: String,
                comparator: String, value: String, unit: String, basis: String) {
        self.level1 = level1
        self.level2 = level2
        self.level3 = level3
        self.description = description
        self.comparator = comparator
        self.value = value
        self.unit = unit
        self.basis = basis
    }
}

/// A budget project (预算项目): what is to be paid, how much, and by when.
public struct Project: Hashable, Sendable, Codable {
    /// 项目编码, e.g. 130208214IGHSSTAFMWVM.
    public var code: String
    public var name: String
    public var kind: ProjectKind
    /// The budget year the plan's deadlines fall in.
    public var year: Int
    public var budget: Budget
    /// 资金用途.
    public var purpose: String
    /// Milestones in deadline order; the last one is normally 100 %.
    public var plan: [Milestone]
    public var goals: [String]
    public var indicators: [Indicator]

    public init(code: String, name: String, kind: ProjectKind, year: Int, budget: Budget,
                purpose: String, plan: [Milestone], goals: [String], indicators: [Indicator]) {
        self.code = code
        self.name = name
        self.kind = kind
        self.year = year
        self.budget = budget
        self.purpose = purpose
        self.plan = plan
        self.goals = goals
        self.indicators = indicators
    }

    /// The cumulative amount the plan requires by the end of `milestone`.
    public func target(of milestone: Milestone) -> Money { milestone.cumulative.of(budget.total) }
}

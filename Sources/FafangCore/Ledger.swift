import Foundation

/// One disbursement actually made: who was paid, how much, when, under which bank reference.
public struct LedgerEntry: Hashable, Sendable, Codable {
    public var projectCode: String
    public var payeeID: String
    public var amount: Money
    /// The civil date of the payment (value date of the bank transfer).
    public var date: CivilDate
    /// The bank's reference; unique, so recording the same payment twice is a no-op.
    public var bankReference: String
    /// Who recorded it: an operator's account name (the console, `fafang ledger import --operator`),
    /// nil for a machine source (the bank API, the inbox). Not part of what was paid: a replay by
    /// someone else is the same payment (`sameContent`).
    public var recordedBy: String?

    public init(projectCode: String, payeeID: String, amount: Money, date: CivilDate, bankReference: String, recordedBy: String? = nil) {
        self.recordedBy = recordedBy
        self.projectCode = projectCode
        self.payeeID = payeeID
        self.amount = amount
        self.date = date
        self.bankReference = bankReference
    }
}

extension LedgerEntry {
    /// Whether both record the same payment (who recorded it aside).
    public func sameContent(as other: LedgerEntry) -> Bool {
        projectCode == other.projectCode && payeeID == other.payeeID && amount == other.amount && date == other.date
            && bankReference == other.bankReference
    }
}

/// What a project was paid on one day: the ledger summed by (project, value date). Kept by the
/// store as payments are recorded, so status and metrics never read the whole ledger.
public struct LedgerDayTotal: Sendable, Hashable {
    public var projectCode: String
    public var date: CivilDate
    public var amount: Money
    public var entries: Int

    public init(projectCode: String, date: CivilDate, amount: Money, entries: Int) {
        self.projectCode = projectCode
        self.date = date
        self.amount = amount
        self.entries = entries
    }
}

/// How far a project is from its cumulative target.
public enum ProgressGrade: String, Sendable, Codable, Comparable {
    /// Paid at least the target.
    case onTrack = "on_track"
    /// Behind by at most the slight threshold (5 percentage points by default).
    case slightlyBehind = "slightly_behind"
    /// Behind by more.
    case behind

    private var rank: Int {
        switch self {
        case .onTrack: return 0
        case .slightlyBehind: return 1
        case .behind: return 2
        }
    }

    public static func < (lhs: ProgressGrade, rhs: ProgressGrade) -> Bool { lhs.rank < rhs.rank }

    /// Grades `paid` against `target` of a budget: the gap is measured in percentage points of
    /// the budget, so 5 points on a 594 万 project is 29.7 万.
    public static func of(paid: Money, target: Money, budget: Money, slightThreshold: Percent) -> ProgressGrade {
        guard paid < target else { return .onTrack }
        guard budget.fen > 0 else { return .behind }
        // gap / budget ≤ threshold  ⇔  gap × 10000 ≤ threshold_bp × budget (exact, in 128 bits).
        let gap = Int128(target.fen - paid.fen) * 10_000
        return gap <= Int128(slightThreshold.basisPoints) * Int128(budget.fen) ? .slightlyBehind : .behind
    }
}

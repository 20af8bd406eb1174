import Foundation

extension LedgerDayTotal {
    /// What each project was paid up to and including `day`, from the store's day totals
    /// (`Store.ledgerTotals`): status and metrics read these, never the whole ledger. A project
    /// with nothing paid by then is absent.
    public static func paidByProject(_ totals: some Sequence<LedgerDayTotal>, asOf day: CivilDate) -> [String: Money] {
        var paid: [String: Money] = [:]
        for total in totals where total.date <= day {
            paid[total.projectCode, default: .zero] += total.amount
        }
        return paid
    }
}

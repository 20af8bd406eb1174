import Foundation

/// The ledger as the scheduler needs it on one day: what each project and each of its payees
/// was paid up to and including that day, and the payments nobody has been told of yet.
///
/// Kept up to date rather than rebuilt: the daemon adds the entries recorded since its last look
/// and advances the day, so a tick costs what changed, not the whole ledger (a county's ledger
/// holds tens of thousands of payments). Entries dated after the day wait until it comes.
public struct LedgerView: Sendable {
    struct ProjectTotals: Sendable {
        var paid = Money.zero
        var paidByPayee: [String: Money] = [:]
        /// Payments counted but not yet known to be notified, in the order added.
        var unnotified: [LedgerEntry] = []
    }

    /// The day the totals are as of.
    public private(set) var today: CivilDate
    private(set) var projects: [String: ProjectTotals] = [:]
    /// Entries dated after `today`, counted when their day comes.
    private var future: [LedgerEntry] = []

    public init(entries: [LedgerEntry] = [], today: CivilDate) {
        self.today = today
        add(entries)
    }

    /// Counts newly recorded entries (each entry once: the caller adds only what it has not added).
    public mutating func add(_ entries: some Sequence<LedgerEntry>) {
        for entry in entries {
            if entry.date <= today { count(entry) } else { future.append(entry) }
        }
    }

    /// Moves the view on to a later day: entries whose date has come are counted. Returns false,
    /// changing nothing, for an earlier day (a clock set back): the view cannot uncount, so the
    /// caller builds a new one from the whole ledger.
    public mutating func advance(to day: CivilDate) -> Bool {
        guard day >= today else { return false }
        today = day
        guard future.contains(where: { $0.date <= day }) else { return true }
        let due = future.filter { $0.date <= day }
        future.removeAll { $0.date <= day }
        for entry in due { count(entry) }
        return true
    }

    /// What the project was paid up to today.
    public func paid(project: String) -> Money { projects[project]?.paid ?? .zero }

    /// What one payee of the project was paid up to today.
    public func paid(project: String, payee: String) -> Money { projects[project]?.paidByPayee[payee] ?? .zero }

    /// Forgets, as far as notices go, the payments whose notice key is in `emitted`.
    public mutating func dropNotified(_ emitted: Set<String>) {
        for code in Array(projects.keys) {
            projects[code]?.unnotified.removeAll { emitted.contains(PaymentNotice.key(project: code, entry: $0)) }
        }
    }

    func totals(of project: String) -> ProjectTotals { projects[project] ?? ProjectTotals() }

    private mutating func count(_ entry: LedgerEntry) {
        projects[entry.projectCode, default: ProjectTotals()].add(entry)
    }
}

extension LedgerView.ProjectTotals {
    mutating func add(_ entry: LedgerEntry) {
        paid += entry.amount
        paidByPayee[entry.payeeID, default: .zero] += entry.amount
        unnotified.append(entry)
    }
}

/// The notice of one recorded payment: its stable key.
enum PaymentNotice {
    static func key(project: String, entry: LedgerEntry) -> String { "paid:\(project):\(entry.bankReference)" }
}

import FafangCore
import FafangTestSupport
import Foundation
import Testing

/// The daemon's ledger view is kept up to date piecemeal (entries added as they are recorded,
/// days advanced, notified payments dropped); the scheduler must see exactly what the whole
/// ledger, re-read every tick, would show it.
@Suite("Scheduler: incremental ledger view")
struct LedgerViewTests {
    typealias Fixture = SchedulerTests

    @Test("totals count only entries dated up to the view's day; later ones when their day comes")
    func futureEntriesWait() {
        var view = LedgerView(entries: [Fixture.paid(100, on: "2021-03-01", ref: "A"), Fixture.paid(50, on: "2021-03-10", ref: "B")],
                              today: CivilDate(iso: "2021-03-05")!)
        #expect(view.paid(project: "P1") == .yuan(100))
        var moved = view.advance(to: CivilDate(iso: "2021-03-09")!)
        #expect(moved)
        #expect(view.paid(project: "P1", payee: "H1") == .yuan(100))
        moved = view.advance(to: CivilDate(iso: "2021-03-10")!)
        #expect(moved)
        #expect(view.paid(project: "P1", payee: "H1") == .yuan(150))
        // A day earlier cannot be shown by uncounting: the view says so and stays as it was.
        moved = view.advance(to: CivilDate(iso: "2021-03-01")!)
        #expect(!moved)
        #expect(view.paid(project: "P1") == .yuan(150))
        #expect(view.today == CivilDate(iso: "2021-03-10")!)
    }

    @Test("paid to date from day totals: what the ledger view shows on every day")
    func dayTotalsAgreeWithTheView() {
        var generator = SplitMix64(seed: 11)
        let start = CivilDate(iso: "2021-01-01")!
        let entries = (0..<80).map { index in
            LedgerEntry(projectCode: index % 3 == 0 ? "P2" : "P1", payeeID: "H\(index % 5)", amount: .yuan(Int64.random(in: 1...900, using: &generator)),
                        date: start.adding(days: Int.random(in: 0..<120, using: &generator)), bankReference: "R\(index)")
        }
        // What the store keeps: one total per project and value date.
        let totals = Dictionary(grouping: entries) { "\($0.projectCode) \($0.date)" }.values.map { group in
            LedgerDayTotal(projectCode: group[0].projectCode, date: group[0].date, amount: group.map(\.amount).sum(), entries: group.count)
        }
        for offset in stride(from: -1, through: 121, by: 4) {
            let day = start.adding(days: offset)
            let view = LedgerView(entries: entries, today: day)
            let paid = LedgerDayTotal.paidByProject(totals, asOf: day)
            #expect(paid["P1", default: .zero] == view.paid(project: "P1") && paid["P2", default: .zero] == view.paid(project: "P2"), "\(day)")
        }
        #expect(LedgerDayTotal.paidByProject(totals, asOf: start.adding(days: -1)).isEmpty, "nothing paid before the first day")
    }

    @Test("a year of random payments, recorded in random batches: the incremental view emits what the full re-read emits, tick by tick")
    func incrementalMatchesFull() {
        var generator = SplitMix64(seed: 5)
        // 60 payments, each recorded (appended to the ledger) between 0 and 20 days after its date.
        var payments: [(entry: LedgerEntry, recorded: CivilDate)] = []
        let start = CivilDate(iso: "2021-01-01")!
        for index in 0..<60 {
            let date = start.adding(days: Int.random(in: 0..<365, using: &generator))
            let entry = LedgerEntry(projectCode: "P1", payeeID: index % 2 == 0 ? "H1" : "H2", amount: .yuan(Int64.random(in: 100...1500, using: &generator)),
                                    date: date, bankReference: "R\(index)")
            // Some are recorded before their value date (a bank file announcing a transfer).
            payments.append((entry, date.adding(days: Int.random(in: -3...20, using: &generator))))
        }
        let projects = [Fixture.fixture()]
        var ledger: [LedgerEntry] = []
        var fullEmitted = Set<String>()
        var incrementalEmitted = Set<String>()
        var view = LedgerView(today: start)
        var total = 0
        for offset in 0..<380 {
            let day = start.adding(days: offset)
            let now = day.start(in: Fixture.zone).addingTimeInterval(10 * 3600)
            let arriving = payments.filter { $0.recorded == day }.map(\.entry)
            ledger += arriving
            let moved = view.advance(to: day)
            #expect(moved)
            view.add(arriving)
            let full = Scheduler.dueEvents(projects: projects, ledger: ledger, now: now, zone: Fixture.zone, emitted: fullEmitted)
            let incremental = Scheduler.dueEvents(projects: projects, ledger: view, emitted: incrementalEmitted)
            #expect(full.map(\.key) == incremental.map(\.key), "\(day)")
            #expect(full == incremental, "\(day)")
            fullEmitted.formUnion(full.map(\.key))
            incrementalEmitted.formUnion(incremental.map(\.key))
            view.dropNotified(Set(incremental.map(\.key)))
            total += incremental.count
        }
        // Every payment was told exactly once, and milestone events came too.
        #expect(incrementalEmitted.filter { $0.hasPrefix("paid:") }.count == 60)
        #expect(total > 60)
    }
}

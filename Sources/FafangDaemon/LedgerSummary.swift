import FafangConfig
import FafangCore
import Foundation

/// The ledger as the console's pages read it, kept rather than re-read: per project what was
/// paid on each day, per payee what they were paid, per village the households paid and the
/// amounts. Each `refresh` adds only the payments recorded since the last one (the store's
/// ledger positions only grow), so a page costs what changed, not the ledger; a new runtime (a
/// reload, a new register) rebuilds it once from the store.
///
/// Figures count every payment recorded, whatever its value date; the plan comparison (paid by
/// today against the target) uses the day totals up to today.
public actor LedgerSummary {
    /// One village of a project's register.
    public struct Village: Sendable, Hashable {
        public var name: String
        public var payees: Int
        /// Payees paid something.
        public var paidPayees: Int
        /// Payees paid everything they are owed.
        public var settledPayees: Int
        public var owed: Money
        public var paid: Money
    }

    /// A payee still owed something.
    public struct Unpaid: Sendable, Hashable {
        public var payeeID: String
        public var name: String
        public var village: String
        public var owed: Money
        public var paid: Money
    }

    /// A payee who was paid, for the village transparency list.
    public struct Paid: Sendable, Hashable {
        public var name: String
        public var amount: Money
    }

    /// What one project was paid, as of the last refresh.
    public struct Project: Sendable {
        public var code: String
        /// Payments recorded in all, and their total.
        public var entries: Int
        public var recorded: Money
        /// Per value date, ascending.
        public var days: [(date: CivilDate, amount: Money)]
        public var payees: Int
        public var paidPayees: Int
        public var villages: [Village]
        /// Payments to a payee the register does not hold (recorded before a register change).
        public var outsideRegister: Money

        /// What was paid by the end of `day`.
        public func paid(through day: CivilDate) -> Money {
            var total = Money.zero
            for entry in days where entry.date <= day { total += entry.amount }
            return total
        }
    }

    private struct Book {
        var register: PayeeRegister
        /// Per register position: fen paid.
        var paidFen: [Int64]
        /// Per register position: the latest value date paid, as days since the epoch (`Int32.min`: none).
        var lastPaidDay: [Int32]
        /// Per register position: its village's number in `villages`.
        var villageOf: [Int32]
        var villages: [Village]
        var days: [CivilDate: Money] = [:]
        var entries = 0
        var recorded = Money.zero
        var paidPayees = 0
        var outsideRegister = Money.zero

        init(register: PayeeRegister) {
            self.register = register
            paidFen = Array(repeating: 0, count: register.count)
            lastPaidDay = Array(repeating: Int32.min, count: register.count)
            var numbers: [String: Int32] = [:]
            var villages: [Village] = []
            var villageOf: [Int32] = []
            villageOf.reserveCapacity(register.count)
            for position in register.indices {
                let name = register.village(at: position)
                let number: Int32
                if let known = numbers[name] { number = known } else {
                    number = Int32(villages.count)
                    numbers[name] = number
                    villages.append(Village(name: name, payees: 0, paidPayees: 0, settledPayees: 0, owed: .zero, paid: .zero))
                }
                villageOf.append(number)
                villages[Int(number)].payees += 1
                villages[Int(number)].owed += register.owed(at: position)
            }
            self.villages = villages
            self.villageOf = villageOf
        }

        mutating func add(_ entry: LedgerEntry) {
            entries += 1
            recorded += entry.amount
            days[entry.date, default: .zero] += entry.amount
            guard let position = register.position(of: entry.payeeID) else {
                outsideRegister += entry.amount
                return
            }
            let village = Int(villageOf[position])
            let owed = register.owed(at: position).fen
            let before = paidFen[position]
            let after = before + entry.amount.fen
            paidFen[position] = after
            lastPaidDay[position] = max(lastPaidDay[position], Int32(clamping: entry.date.daysSinceEpoch))
            villages[village].paid += entry.amount
            if before == 0, after > 0 {
                paidPayees += 1
                villages[village].paidPayees += 1
            }
            if before < owed, after >= owed { villages[village].settledPayees += 1 }
        }
    }

    private let store: any Store
    private let runtime: LiveConfiguration<Runtime>
    private var generation: UUID?
    private var last: Int64 = 0
    private var books: [String: Book] = [:]
    private var refreshing: Task<Void, any Error>?

    public init(store: any Store, runtime: LiveConfiguration<Runtime>) {
        self.store = store
        self.runtime = runtime
    }

    /// Adds the payments recorded since the last refresh (all of them after a reload). Callers
    /// that come while one runs wait for it rather than read the ledger twice.
    public func refresh() async throws {
        if let running = refreshing { return try await running.value }
        let task = Task { try await self.load() }
        refreshing = task
        defer { refreshing = nil }
        try await task.value
    }

    private func load() async throws {
        let current = runtime.current
        if current.generation != generation {
            var fresh: [String: Book] = [:]
            for configured in current.configuration.projects {
                fresh[configured.project.code] = Book(register: configured.payees)
            }
            books = fresh
            last = 0
            generation = current.generation
        }
        let (entries, newLast) = try await store.ledger(after: last)
        for entry in entries {
            if books[entry.projectCode] == nil { books[entry.projectCode] = Book(register: []) }
            books[entry.projectCode]?.add(entry)
        }
        last = newLast
    }

    /// The figures of one project (nil when neither configured nor paid).
    public func project(_ code: String) -> Project? {
        guard let book = books[code] else { return nil }
        return Project(code: code, entries: book.entries, recorded: book.recorded,
                       days: book.days.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                       payees: book.register.count, paidPayees: book.paidPayees, villages: book.villages,
                       outsideRegister: book.outsideRegister)
    }

    /// Every project's figures, by code.
    public func projects() -> [String: Project] {
        var result: [String: Project] = [:]
        for code in books.keys { result[code] = project(code) }
        return result
    }

    /// What one payee of a project (by register position, as configured when the summary was
    /// built) was paid, and its latest value date; nil when the project or position is unknown.
    public func payee(project code: String, position: Int) -> (paid: Money, lastPayment: CivilDate?)? {
        guard let book = books[code], book.paidFen.indices.contains(position) else { return nil }
        let day = book.lastPaidDay[position]
        return (Money(fen: book.paidFen[position]), day == Int32.min ? nil : CivilDate(daysSinceEpoch: Int(day)))
    }

    /// Payees of the project (of one village when given) still owed something, in register
    /// order: `limit` of them from `offset`, and how many there are in all.
    public func unpaid(project code: String, village: String? = nil, offset: Int = 0, limit: Int = 50) -> (rows: [Unpaid], total: Int) {
        guard let book = books[code] else { return ([], 0) }
        let villageNumber = village.flatMap { name in book.villages.firstIndex { $0.name == name } }.map(Int32.init)
        if village != nil, villageNumber == nil { return ([], 0) }
        var rows: [Unpaid] = []
        var total = 0
        for position in book.register.indices {
            if let villageNumber, book.villageOf[position] != villageNumber { continue }
            let owed = book.register.owed(at: position).fen
            let paid = book.paidFen[position]
            guard paid < owed else { continue }
            if total >= offset, rows.count < limit {
                let payee = book.register[position]
                rows.append(Unpaid(payeeID: payee.id, name: payee.name, village: payee.village, owed: Money(fen: owed), paid: Money(fen: paid)))
            }
            total += 1
        }
        return (rows, total)
    }

    /// The payees of one village who were paid, with what, in register order (the transparency
    /// list; names are the caller's to mask).
    public func paid(project code: String, village: String) -> [Paid] {
        guard let book = books[code], let number = book.villages.firstIndex(where: { $0.name == village }).map(Int32.init) else { return [] }
        var rows: [Paid] = []
        for position in book.register.indices where book.villageOf[position] == number && book.paidFen[position] > 0 {
            rows.append(Paid(name: book.register[position].name, amount: Money(fen: book.paidFen[position])))
        }
        return rows
    }
}

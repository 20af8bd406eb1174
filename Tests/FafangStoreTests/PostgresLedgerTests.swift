import FafangCore
import FafangPostgres
import FafangTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// The ledger on PostgreSQL (issue 12): idempotent on the bank reference, day totals kept, and
/// the overpayment check holding when several daemons record payments of one payee at once.
@Suite("PostgreSQL ledger")
struct PostgresLedgerTests {
    static let logger = Logger(label: "test")
    static let owed = Money(fen: 100_000)

    /// Refuses a payment that takes the payee past 1,000.00 元.
    static let check: @Sendable (LedgerEntry, Money) -> String? = { entry, before in
        before + entry.amount > owed ? "overpays \(entry.payeeID): owed \(owed.yuanString), paid \(before.yuanString), now \(entry.amount.yuanString)" : nil
    }

    static func entry(_ reference: String, _ fen: Int64, payee: String = "H1", day: String = "2021-06-10") -> LedgerEntry {
        LedgerEntry(projectCode: "P1", payeeID: payee, amount: Money(fen: fen), date: CivilDate(iso: day)!, bankReference: reference, recordedBy: "zhangkj")
    }

    static func withLedgers<T: Sendable>(_ count: Int, database: String,
                                         _ body: @Sendable ([PostgresLedger]) async throws -> T) async throws -> T {
        let harness = try await PostgresHarness.shared()
        let database = try await harness.freshDatabase(database)
        let clients = (0..<count).map { _ in
            PostgresClient(configuration: .init(host: "127.0.0.1", port: harness.port, username: harness.user, password: nil, database: database, tls: .disable))
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            for client in clients { group.addTask { await client.run(); return nil } }
            try await PostgresMigrator().migrate(clients[0], logger: logger)
            let result = try await body(clients.map { PostgresLedger(client: $0, logger: logger) })
            group.cancelAll()
            return result
        }
    }

    @Test func paymentsAreRecordedOnceAndSummedByDay() async throws {
        try await Self.withLedgers(1, database: "ledger_once") { ledgers in
            let ledger = ledgers[0]
            let now = Date(timeIntervalSince1970: 1_623_300_000)
            let first = try await ledger.recordLedger([Self.entry("B1", 30_000), Self.entry("B2", 20_000, payee: "H2")], source: "test", now: now, audit: nil, check: Self.check)
            #expect(first.inserted.count == 2 && first.duplicates == 0)
            var replay = Self.entry("B1", 30_000)
            replay.recordedBy = "lisz"
            let again = try await ledger.recordLedger([replay], source: "test", now: now, audit: nil, check: Self.check)
            #expect(again.inserted.isEmpty && again.duplicates == 1, "a replay by someone else is the same payment")
            await #expect(throws: LedgerRejection.self) {
                _ = try await ledger.recordLedger([Self.entry("B1", 30_001)], source: "test", now: now, audit: nil, check: Self.check)
            }
            let (entries, last) = try await ledger.ledger(after: 0)
            #expect(entries.map(\.bankReference) == ["B1", "B2"] && entries.allSatisfy { $0.recordedBy == "zhangkj" })
            #expect(try await ledger.ledger(after: last).entries.isEmpty)
            #expect(try await ledger.ledgerTotals() == [LedgerDayTotal(projectCode: "P1", date: CivilDate(iso: "2021-06-10")!, amount: Money(fen: 50_000), entries: 2)])
        }
    }

    /// Three daemons each try to pay the same household 60 % of what it is owed, at once: one
    /// payment is recorded, the other two are refused as overpayments.
    @Test func theOverpaymentCheckHoldsUnderConcurrentWriters() async throws {
        try await Self.withLedgers(3, database: "ledger_concurrent") { ledgers in
            let now = Date(timeIntervalSince1970: 1_623_300_000)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group -> [Bool] in
                for (index, ledger) in ledgers.enumerated() {
                    group.addTask {
                        do {
                            _ = try await ledger.recordLedger([Self.entry("C\(index)", 60_000)], source: "daemon \(index)", now: now, audit: nil, check: Self.check)
                            return true
                        } catch is LedgerRejection {
                            return false
                        }
                    }
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(outcomes.filter { $0 }.count == 1, "exactly one of the concurrent payments is recorded")
            let paid = try await ledgers[0].ledger(after: 0).entries.map(\.amount.fen).reduce(0, +)
            #expect(paid == 60_000)
        }
    }
}

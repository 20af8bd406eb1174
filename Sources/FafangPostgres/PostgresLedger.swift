import FafangCore
import Foundation
import Logging
import PostgresNIO

/// The ledger on PostgreSQL, as `Store.recordLedger`, `ledger(after:)` and `ledgerTotals()`
/// define it (issue 12: the rest of the store follows). Correct with several writers: a batch
/// takes a transaction-scoped advisory lock per (project, payee) it pays, in one sorted order (so
/// two batches cannot deadlock), before it sums what each was paid; a concurrent batch paying the
/// same payee waits, then sees this one's rows. The overpayment check therefore holds across
/// daemons.
public struct PostgresLedger: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func recordLedger(_ entries: [LedgerEntry], source: String, now: Date, audit: (@Sendable (LedgerWriteResult) -> AuditEntry?)?,
                             check: @escaping @Sendable (_ entry: LedgerEntry, _ paidBefore: Money) -> String?) async throws -> LedgerWriteResult {
        let logger = self.logger
        return try await Self.unwrapped { try await client.withTransaction(logger: logger) { connection -> LedgerWriteResult in
            // One lock per payee paid, taken in sorted order.
            let keys = Set(entries.map { $0.projectCode + "\u{1F}" + $0.payeeID }).sorted()
            for key in keys {
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
            }
            var problems: [LedgerRejection.Problem] = []
            var inserted: [LedgerEntry] = []
            var duplicates = 0
            var running: [String: Money] = [:]
            var seen: [String: Int] = [:]
            for (index, entry) in entries.enumerated() {
                if let first = seen[entry.bankReference] {
                    problems.append(.init(index: index, message: "bank reference \(entry.bankReference) appears twice in this batch (also entry \(first + 1))"))
                    continue
                }
                seen[entry.bankReference] = index
                let existing = try await connection.query("""
                    SELECT project_code, payee_id, amount_fen, paid_on::text FROM ledger_entry WHERE bank_reference = \(entry.bankReference)
                    """, logger: logger)
                var recorded: LedgerEntry?
                for try await (project, payee, fen, paidOn) in existing.decode((String, String, Int64, String).self) {
                    guard let date = CivilDate(iso: paidOn) else { throw PostgresStoreError(message: "ledger entry \(entry.bankReference) has an unreadable date \(paidOn)") }
                    recorded = LedgerEntry(projectCode: project, payeeID: payee, amount: Money(fen: fen), date: date, bankReference: entry.bankReference)
                }
                if let recorded {
                    if recorded.sameContent(as: entry) { duplicates += 1 } else {
                        problems.append(.init(index: index, message: "bank reference \(entry.bankReference) was already recorded with other details (project \(recorded.projectCode), payee \(recorded.payeeID), \(recorded.amount.yuanString) 元 on \(recorded.date))"))
                    }
                    continue
                }
                let key = entry.projectCode + "\u{1F}" + entry.payeeID
                let before: Money
                if let known = running[key] { before = known } else {
                    var sum: Int64 = 0
                    for try await value in try await connection.query("""
                        SELECT COALESCE(SUM(amount_fen), 0)::bigint FROM ledger_entry WHERE project_code = \(entry.projectCode) AND payee_id = \(entry.payeeID)
                        """, logger: logger).decode(Int64.self) { sum = value }
                    before = Money(fen: sum)
                }
                if let problem = check(entry, before) {
                    problems.append(.init(index: index, message: problem))
                    continue
                }
                running[key] = before + entry.amount
                inserted.append(entry)
            }
            guard problems.isEmpty else { throw LedgerRejection(problems: problems) }
            for entry in inserted {
                let day = entry.date.description
                try await connection.query("""
                    INSERT INTO ledger_entry (bank_reference, project_code, payee_id, amount_fen, paid_on, source, recorded_by, recorded_at)
                    VALUES (\(entry.bankReference), \(entry.projectCode), \(entry.payeeID), \(entry.amount.fen), \(day)::date, \(source), \(entry.recordedBy), \(now))
                    """, logger: logger)
                try await connection.query("""
                    INSERT INTO ledger_day_total (project_code, paid_on, amount_fen, entries) VALUES (\(entry.projectCode), \(day)::date, \(entry.amount.fen), 1)
                    ON CONFLICT (project_code, paid_on) DO UPDATE
                        SET amount_fen = ledger_day_total.amount_fen + excluded.amount_fen, entries = ledger_day_total.entries + 1
                    """, logger: logger)
            }
            if !inserted.isEmpty {
                // The scheduler, whichever daemon runs it, emits their events now.
                try await connection.query("SELECT pg_notify(\(PostgresStore.ledgerChannel), '')", logger: logger)
            }
            let result = LedgerWriteResult(inserted: inserted, duplicates: duplicates)
            if let entry = audit?(result) { try await connection.query(PostgresStore.auditInsert(entry), logger: logger) }
            return result
        } }
    }

    /// A refusal thrown inside a transaction, as itself (postgres-nio wraps it, with the rollback).
    static func unwrapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresTransactionError {
            if let rejection = error.closureError as? LedgerRejection { throw rejection }
            throw error
        }
    }

    public func ledger(after: Int64) async throws -> (entries: [LedgerEntry], last: Int64) {
        var entries: [LedgerEntry] = []
        var last = after
        let rows = try await client.query("""
            SELECT id, bank_reference, project_code, payee_id, amount_fen, paid_on::text, recorded_by FROM ledger_entry WHERE id > \(after) ORDER BY id
            """, logger: logger)
        for try await (id, reference, project, payee, fen, paidOn, recordedBy) in rows.decode((Int64, String, String, String, Int64, String, String?).self) {
            last = id
            guard let date = CivilDate(iso: paidOn) else { continue }
            entries.append(LedgerEntry(projectCode: project, payeeID: payee, amount: Money(fen: fen), date: date, bankReference: reference,
                                       recordedBy: recordedBy))
        }
        return (entries, last)
    }

    public func ledgerTotals() async throws -> [LedgerDayTotal] {
        var totals: [LedgerDayTotal] = []
        let rows = try await client.query("SELECT project_code, paid_on::text, amount_fen, entries FROM ledger_day_total ORDER BY project_code, paid_on",
                                          logger: logger)
        for try await (project, paidOn, fen, count) in rows.decode((String, String, Int64, Int32).self) {
            guard let date = CivilDate(iso: paidOn) else { continue }
            totals.append(LedgerDayTotal(projectCode: project, date: date, amount: Money(fen: fen), entries: Int(count)))
        }
        return totals
    }
}

/// The PostgreSQL store found something it cannot read back.
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

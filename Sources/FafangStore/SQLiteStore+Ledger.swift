import FafangCore
import Foundation
import GRDB

/// The ledger in SQLite: `ledger_entry`, one row per payment, unique on the bank reference, and
/// `ledger_day_total`, what each project was paid on each value date.
extension SQLiteStore {
    /// Records a batch of payments atomically, idempotent on the bank reference: a reference seen
    /// before with the same content is skipped (whoever records it again), with different content
    /// it is a rejection. The day totals are brought up to date in the same transaction.
    /// `check` sees, inside the same transaction, what each (project, payee) was paid before this
    /// batch plus the batch's earlier entries, and returns a problem for an entry that must not be
    /// recorded (payee not in the register, overpayment). Any problem rejects the whole batch.
    ///
    /// A bank file has hundreds of thousands of rows: each statement is prepared once for the
    /// batch and run with each row's values, in the one transaction.
    public func recordLedger(
        _ entries: [LedgerEntry], source: String, now: Date,
        audit: (@Sendable (LedgerWriteResult) -> AuditEntry?)?,
        check: @escaping @Sendable (_ entry: LedgerEntry, _ paidBefore: Money) -> String?
    ) async throws -> LedgerWriteResult {
        try await writer.write { db in
            let recorded = try db.cachedStatement(sql: """
                SELECT project_code, payee_id, amount_fen, paid_on FROM ledger_entry WHERE bank_reference = ?
                """)
            let paid = try db.cachedStatement(sql: """
                SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entry WHERE project_code = ? AND payee_id = ?
                """)
            var problems: [LedgerRejection.Problem] = []
            var inserted: [LedgerEntry] = []
            var duplicates = 0
            var running: [String: Money] = [:]
            var seenInBatch: [String: Int] = [:]
            running.reserveCapacity(entries.count)
            seenInBatch.reserveCapacity(entries.count)
            inserted.reserveCapacity(entries.count)
            for (index, entry) in entries.enumerated() {
                if let first = seenInBatch[entry.bankReference] {
                    problems.append(.init(index: index, message: "bank reference \(entry.bankReference) appears twice in this batch (also entry \(first + 1))"))
                    continue
                }
                seenInBatch[entry.bankReference] = index
                if let row = try Row.fetchOne(recorded, arguments: [entry.bankReference]) {
                    let (project, payee, fen, paidOn): (String, String, Int64, String) = (row[0], row[1], row[2], row[3])
                    let existing = CivilDate(iso: paidOn).map {
                        LedgerEntry(projectCode: project, payeeID: payee, amount: Money(fen: fen), date: $0, bankReference: entry.bankReference)
                    }
                    if existing?.sameContent(as: entry) == true { duplicates += 1 } else {
                        problems.append(.init(index: index, message: "bank reference \(entry.bankReference) was already recorded with other details (project \(project), payee \(payee), \(Money(fen: fen).yuanString) 元 on \(paidOn))"))
                    }
                    continue
                }
                let key = entry.projectCode + "\u{1F}" + entry.payeeID
                let before: Money
                if let known = running[key] { before = known } else {
                    before = Money(fen: try Int64.fetchOne(paid, arguments: [entry.projectCode, entry.payeeID]) ?? 0)
                }
                if let problem = check(entry, before) {
                    problems.append(.init(index: index, message: problem))
                    continue
                }
                running[key] = before + entry.amount
                inserted.append(entry)
            }
            guard problems.isEmpty else { throw LedgerRejection(problems: problems) }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO ledger_entry (bank_reference, project_code, payee_id, amount_fen, paid_on, source, recorded_at, recorded_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let recordedAt = now.databaseValue
            var days: [DayKey: (fen: Int64, entries: Int)] = [:]
            for entry in inserted {
                let paidOn = entry.date.description
                try insert.execute(arguments: [entry.bankReference, entry.projectCode, entry.payeeID, entry.amount.fen,
                                               paidOn, source, recordedAt, entry.recordedBy])
                days[DayKey(project: entry.projectCode, paidOn: paidOn), default: (0, 0)].fen += entry.amount.fen
                days[DayKey(project: entry.projectCode, paidOn: paidOn), default: (0, 0)].entries += 1
            }
            let total = try db.cachedStatement(sql: """
                INSERT INTO ledger_day_total (project_code, paid_on, amount_fen, entries) VALUES (?, ?, ?, ?)
                ON CONFLICT (project_code, paid_on) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen,
                    entries = entries + excluded.entries
                """)
            for (day, sum) in days { try total.execute(arguments: [day.project, day.paidOn, sum.fen, sum.entries]) }
            let result = LedgerWriteResult(inserted: inserted, duplicates: duplicates)
            if let entry = audit?(result) { try Self.insertAudit(entry, db) }
            return result
        }
    }

    /// The payments recorded after the one with row id `after` (0: all), in the order recorded,
    /// and the row id of the last one (`after` when there are none). Row ids only grow (the
    /// ledger is append-only and ids are never reused), so a reader that remembers the last id
    /// sees every later payment exactly once.
    public func ledger(after: Int64) async throws -> (entries: [LedgerEntry], last: Int64) {
        try await writer.read { db in
            var entries: [LedgerEntry] = []
            var last = after
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, bank_reference, project_code, payee_id, amount_fen, paid_on, recorded_by FROM ledger_entry WHERE id > ? ORDER BY id
                """, arguments: [after])
            // Columns by position, not by name (a name is looked up per row): a rebuild reads
            // every payment, a million in a county.
            while let row = try rows.next() {
                last = row[0]
                guard let date = CivilDate(iso: row[5]) else { continue }
                entries.append(LedgerEntry(projectCode: row[2], payeeID: row[3], amount: Money(fen: row[4]),
                                           date: date, bankReference: row[1], recordedBy: row[6]))
            }
            return (entries, last)
        }
    }

    /// The day totals, by project and value date.
    public func ledgerTotals() async throws -> [LedgerDayTotal] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT project_code, paid_on, amount_fen, entries FROM ledger_day_total ORDER BY project_code, paid_on")
                .compactMap { row in
                    guard let date = CivilDate(iso: row["paid_on"]) else { return nil }
                    return LedgerDayTotal(projectCode: row["project_code"], date: date, amount: Money(fen: row["amount_fen"]), entries: row["entries"])
                }
        }
    }
}

/// A (project, value date) of `ledger_day_total`.
private struct DayKey: Hashable {
    let project: String
    let paidOn: String
}

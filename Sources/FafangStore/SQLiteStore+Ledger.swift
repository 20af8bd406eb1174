import FafangCore
import Foundation
import GRDB

/// A row of `ledger_entry`.
struct LedgerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ledger_entry"

    var id: Int64?
    var bankReference: String
    var projectCode: String
    var payeeID: String
    var amountFen: Int64
    var paidOn: String
    var source: String
    var recordedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, bankReference = "bank_reference", projectCode = "project_code", payeeID = "payee_id"
        case amountFen = "amount_fen", paidOn = "paid_on", source, recordedAt = "recorded_at"
    }

    init(_ entry: LedgerEntry, source: String, recordedAt: Date) {
        bankReference = entry.bankReference
        projectCode = entry.projectCode
        payeeID = entry.payeeID
        amountFen = entry.amount.fen
        paidOn = entry.date.description
        self.source = source
        self.recordedAt = recordedAt
    }

    var entry: LedgerEntry? {
        CivilDate(iso: paidOn).map {
            LedgerEntry(projectCode: projectCode, payeeID: payeeID, amount: Money(fen: amountFen), date: $0, bankReference: bankReference)
        }
    }
}

extension SQLiteStore {
    /// Records a batch of payments atomically, idempotent on the bank reference: a reference seen
    /// before with the same content is skipped, with different content it is a rejection.
    /// `check` sees, inside the same transaction, what each (project, payee) was paid before this
    /// batch plus the batch's earlier entries, and returns a problem for an entry that must not be
    /// recorded (payee not in the register, overpayment). Any problem rejects the whole batch.
    public func recordLedger(
        _ entries: [LedgerEntry], source: String, now: Date,
        check: @escaping @Sendable (_ entry: LedgerEntry, _ paidBefore: Money) -> String?
    ) async throws -> LedgerWriteResult {
        try await writer.write { db in
            var problems: [LedgerRejection.Problem] = []
            var inserted: [LedgerEntry] = []
            var duplicates = 0
            var running: [String: Money] = [:]
            var seenInBatch: [String: Int] = [:]
            for (index, entry) in entries.enumerated() {
                if let first = seenInBatch[entry.bankReference] {
                    problems.append(.init(index: index, message: "bank reference \(entry.bankReference) appears twice in this batch (also entry \(first + 1))"))
                    continue
                }
                seenInBatch[entry.bankReference] = index
                if let existing = try LedgerRecord.filter(Column("bank_reference") == entry.bankReference).fetchOne(db) {
                    if existing.entry == entry { duplicates += 1 } else {
                        problems.append(.init(index: index, message: "bank reference \(entry.bankReference) was already recorded with other details (project \(existing.projectCode), payee \(existing.payeeID), \(Money(fen: existing.amountFen).yuanString) 元 on \(existing.paidOn))"))
                    }
                    continue
                }
                let key = entry.projectCode + "\u{1F}" + entry.payeeID
                let before: Money
                if let known = running[key] { before = known } else {
                    let sum = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entry WHERE project_code = ? AND payee_id = ?",
                                                 arguments: [entry.projectCode, entry.payeeID]) ?? 0
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
                try LedgerRecord(entry, source: source, recordedAt: now).insert(db)
            }
            return LedgerWriteResult(inserted: inserted, duplicates: duplicates)
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
                SELECT id, bank_reference, project_code, payee_id, amount_fen, paid_on FROM ledger_entry WHERE id > ? ORDER BY id
                """, arguments: [after])
            while let row = try rows.next() {
                last = row["id"]
                guard let date = CivilDate(iso: row["paid_on"]) else { continue }
                entries.append(LedgerEntry(projectCode: row["project_code"], payeeID: row["payee_id"], amount: Money(fen: row["amount_fen"]),
                                           date: date, bankReference: row["bank_reference"]))
            }
            return (entries, last)
        }
    }
}

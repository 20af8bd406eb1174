import FafangCore
import Foundation
import GRDB

/// Approval batches in SQLite: `approval_batch` (one row per batch, its counts kept as messages
/// join), `approval_batch_recorder` (who recorded its payments), and the held messages in
/// `outbox` (`batch_id`).
extension SQLiteStore {
    public func approvalBatches(states: Set<ApprovalBatch.State>?, limit: Int) async throws -> [ApprovalBatch] {
        var sql = "SELECT \(BatchRows.columns) FROM approval_batch"
        if let states {
            guard !states.isEmpty else { return [] }
            sql += " WHERE state IN (" + states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
        }
        let query = sql + " ORDER BY id DESC LIMIT ?"
        return try await writer.read { db in try BatchRows.batches(db, sql: query, arguments: [max(0, limit)]) }
    }

    public func approvalBatch(id: Int64) async throws -> ApprovalBatch? {
        try await writer.read { db in try BatchRows.batch(id: id, db) }
    }

    public func batchMessages(id: Int64, limit: Int) async throws -> [OutboxMessage] {
        try await writer.read { db in
            try OutboxRows.messages(db, sql: "SELECT \(OutboxRows.columns) FROM outbox WHERE batch_id = ? ORDER BY id LIMIT ?",
                                    arguments: [id, max(0, limit)])
        }
    }

    public func decide(_ decision: BatchDecision, now: Date) async throws -> Result<ApprovalBatch, ApprovalRefusal> {
        let stamp = StoredDate(now)
        return try await writer.write { db in
            guard var batch = try BatchRows.batch(id: decision.batchID, db) else { return .failure(.notFound) }
            guard batch.state == .open else { return .failure(.alreadyDecided(batch.state)) }
            guard batch.messageCount == decision.expectedCount else {
                return .failure(.changed(seen: decision.expectedCount, now: batch.messageCount))
            }
            switch decision.verdict {
            case .approve:
                // MessageLifecycle.approved, for every held message of the batch at once (dates
                // are stored as text that sorts as time does).
                try db.execute(sql: """
                    UPDATE outbox SET state = 'pending', next_attempt_at = MAX(next_attempt_at, :now), updated_at = :now
                    WHERE batch_id = :batch AND state = 'held'
                    """, arguments: ["now": stamp, "batch": batch.id])
                batch.state = .approved
            case let .reject(reason):
                // MessageLifecycle.rejected(reason:), likewise.
                try db.execute(sql: """
                    UPDATE outbox SET state = 'rejected', last_error = :reason, updated_at = :now WHERE batch_id = :batch AND state = 'held'
                    """, arguments: ["now": stamp, "reason": reason, "batch": batch.id])
                batch.state = .rejected
                batch.reason = reason
            }
            batch.decidedBy = decision.decidedBy
            batch.decidedAt = now
            try db.execute(sql: "UPDATE approval_batch SET state = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ?",
                           arguments: [batch.state.rawValue, batch.decidedBy, stamp, batch.reason, batch.id])
            if let audit = decision.audit { try Self.insertAudit(audit, db) }
            return .success(batch)
        }
    }
}

/// Reading `approval_batch` rows, with their recorders, as `ApprovalBatch` values.
enum BatchRows {
    static let columns = "id, project_code, day, state, message_count, amount_fen, segments, created_at, decided_by, decided_at, reason"

    static func batch(id: Int64, _ db: Database) throws -> ApprovalBatch? {
        try batches(db, sql: "SELECT \(columns) FROM approval_batch WHERE id = ?", arguments: [id]).first
    }

    static func batches(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ApprovalBatch] {
        var batches: [ApprovalBatch] = []
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            let stateText: String = row[3]
            let dayText: String = row[2]
            guard let state = ApprovalBatch.State(rawValue: stateText), let day = CivilDate(iso: dayText) else {
                throw StoreError(message: "approval batch \(row[0] as Int64? ?? 0) has an unknown state or day (\(stateText), \(dayText))")
            }
            batches.append(ApprovalBatch(id: row[0], projectCode: row[1], day: day, state: state, messageCount: row[4],
                                         totalAmount: Money(fen: row[5]), segments: row[6], recordedBy: [], createdAt: row[7],
                                         decidedBy: row[8], decidedAt: row[9], reason: row[10]))
        }
        guard !batches.isEmpty else { return [] }
        // The recorders of every batch listed, in one query.
        let ids = batches.map { String($0.id) }.joined(separator: ", ")
        var recorders: [Int64: Set<String>] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT batch_id, name FROM approval_batch_recorder WHERE batch_id IN (\(ids))") {
            recorders[row[0], default: []].insert(row[1])
        }
        for index in batches.indices { batches[index].recordedBy = recorders[batches[index].id] ?? [] }
        return batches
    }
}

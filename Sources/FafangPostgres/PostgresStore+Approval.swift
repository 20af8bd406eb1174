import FafangCore
import Foundation
import Logging
import PostgresNIO

/// Approval batches on PostgreSQL: `approval_batch` (its counts kept as messages join, the row
/// locked while they do), `approval_batch_recorder`, and the held messages in `outbox`.
extension PostgresStore {
    public func approvalBatches(states: Set<ApprovalBatch.State>?, limit: Int) async throws -> [ApprovalBatch] {
        if let states, states.isEmpty { return [] }
        let names = states.map { $0.map(\.rawValue).sorted() }
        return try await batches(try await client.query("""
            SELECT \(unescaped: PostgresRows.batchColumns) FROM approval_batch WHERE \(names)::text[] IS NULL OR state = ANY(\(names))
            ORDER BY id DESC LIMIT \(max(0, limit))
            """, logger: logger))
    }

    public func approvalBatch(id: Int64) async throws -> ApprovalBatch? {
        try await batches(try await client.query("SELECT \(unescaped: PostgresRows.batchColumns) FROM approval_batch WHERE id = \(id)", logger: logger)).first
    }

    /// The batches of `rows`, with their recorders (one query for all).
    func batches(_ rows: PostgresRowSequence) async throws -> [ApprovalBatch] {
        var batches: [ApprovalBatch] = []
        for try await row in rows { batches.append(try PostgresRows.batch(row)) }
        guard !batches.isEmpty else { return [] }
        var recorders: [Int64: Set<String>] = [:]
        for try await (id, name) in try await client.query("""
            SELECT batch_id, recorded_by FROM approval_batch_recorder WHERE batch_id = ANY(\(batches.map(\.id)))
            """, logger: logger).decode((Int64, String).self) {
            recorders[id, default: []].insert(name)
        }
        for index in batches.indices { batches[index].recordedBy = recorders[batches[index].id] ?? [] }
        return batches
    }

    public func batchMessages(id: Int64, limit: Int) async throws -> [OutboxMessage] {
        try await PostgresRows.messages(try await client.query("""
            SELECT \(unescaped: PostgresRows.columns) FROM outbox WHERE id IN (SELECT id FROM outbox_search WHERE batch_id = \(id))
            ORDER BY id LIMIT \(max(0, limit))
            """, logger: logger))
    }

    public func decide(_ decision: BatchDecision, now: Date) async throws -> Result<ApprovalBatch, ApprovalRefusal> {
        let logger = self.logger
        let decided = try await client.withTransaction(logger: logger) { connection -> Result<Int64, ApprovalRefusal> in
            // Locked: messages joining it meanwhile wait, or were counted before this reads it.
            var found: (state: String, count: Int)?
            for try await row in try await connection.query("""
                SELECT state, message_count FROM approval_batch WHERE id = \(decision.batchID) FOR UPDATE
                """, logger: logger).decode((String, Int).self) {
                found = row
            }
            guard let found else { return .failure(.notFound) }
            guard found.state == ApprovalBatch.State.open.rawValue else {
                return .failure(.alreadyDecided(ApprovalBatch.State(rawValue: found.state) ?? .approved))
            }
            guard found.count == decision.expectedCount else { return .failure(.changed(seen: decision.expectedCount, now: found.count)) }
            let state: ApprovalBatch.State
            var reason: String?
            switch decision.verdict {
            case .approve:
                // MessageLifecycle.approved, for every held message of the batch at once.
                try await connection.query("""
                    UPDATE outbox SET state = 'pending', next_attempt_at = GREATEST(next_attempt_at, \(now)), updated_at = \(now)
                    WHERE id IN (SELECT id FROM outbox_search WHERE batch_id = \(decision.batchID)) AND state = 'held'
                    """, logger: logger)
                try await Self.announce(connection, logger)
                state = .approved
            case let .reject(why):
                // MessageLifecycle.rejected(reason:), likewise.
                try await connection.query("""
                    UPDATE outbox SET state = 'rejected', last_error = \(why), updated_at = \(now) WHERE id IN (SELECT id FROM outbox_search WHERE batch_id = \(decision.batchID))
                      AND state = 'held'
                    """, logger: logger)
                state = .rejected
                reason = why
            }
            try await connection.query("""
                UPDATE approval_batch SET state = \(state.rawValue), decided_by = \(decision.decidedBy), decided_at = \(now), reason = \(reason)
                WHERE id = \(decision.batchID)
                """, logger: logger)
            if let audit = decision.audit { try await connection.query(PostgresStore.auditInsert(audit), logger: logger) }
            return .success(decision.batchID)
        }
        switch decided {
        case let .failure(refusal): return .failure(refusal)
        case let .success(id):
            guard let batch = try await approvalBatch(id: id) else { return .failure(.notFound) }
            return .success(batch)
        }
    }
}

/// The outbox query of `Store.deliveries`, newest first, every condition of the filter bound.
enum PostgresDeliveryQuery {
    static func query(_ filter: DeliveryFilter) throws -> PostgresQuery {
        // The searched columns through `outbox_search` (indexed there), the state and times on `outbox`.
        var sql = "SELECT \(PostgresRows.columns("o")) FROM outbox o"
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func add(_ condition: (String) -> String, _ value: some PostgresEncodable & Sendable) throws {
            try bindings.append(value)
            conditions.append(condition("$\(bindings.count)"))
        }
        if let payee = filter.payeeID { try add({ "s.payee_id = \($0)" }, payee) }
        if let village = filter.village { try add({ "s.village = \($0)" }, village) }
        if let state = filter.state { try add({ "o.state = \($0)" }, state.rawValue) }
        if let since = filter.since { try add({ "o.updated_at >= \($0)" }, since) }
        if let until = filter.until { try add({ "o.updated_at < \($0)" }, until) }
        if let project = filter.projectCode { try add({ "s.project_code = \($0)" }, project) }
        if let tail = filter.phoneTail {
            // Through the indexed `recipient_tail` (an SMS's last digits); a longer tail is then
            // checked on the whole number, a shorter one on the stored ones.
            if tail.count >= StoredFields.tailLength {
                try add({ "s.recipient_tail = \($0)" }, String(tail.suffix(StoredFields.tailLength)))
                try add({ "right(o.recipient, length(\($0))) = \($0)" }, tail)
            } else if tail.isEmpty {
                conditions.append("s.recipient_tail IS NOT NULL")
            } else {
                try add({ "right(s.recipient_tail, length(\($0))) = \($0)" }, tail)
            }
        }
        if let before = filter.beforeID { try add({ "o.id < \($0)" }, before) }
        if conditions.contains(where: { $0.contains("s.") }) { sql += " JOIN outbox_search s ON s.id = o.id" }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY o.id DESC LIMIT \(max(0, filter.limit))"
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

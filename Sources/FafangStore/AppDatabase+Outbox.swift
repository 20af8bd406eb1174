import FafangCore
import Foundation
import GRDB

extension AppDatabase {
    /// Keys of every scheduler event already emitted.
    public func emittedKeys() throws -> Set<String> {
        try writer.read { db in Set(try String.fetchAll(db, sql: "SELECT key FROM emitted_event")) }
    }

    /// Records `events` as emitted and enqueues their messages, in one transaction: after a crash
    /// either both are there or neither, so an event is never lost nor enqueued twice. Events or
    /// items already present are skipped. Returns the number of new outbox rows.
    @discardableResult
    public func enqueue(events: [DueEvent], items: [OutboxItem], now: Date) throws -> Int {
        try writer.write { db in
            for event in events {
                try EmittedEventRecord(key: event.key, kind: event.kind.rawValue, projectCode: event.projectCode, emittedAt: now)
                    .insert(db, onConflict: .ignore)
            }
            var inserted = 0
            for item in items {
                let record = OutboxRecord(item, now: now)
                try record.insert(db, onConflict: .ignore)
                if db.changesCount > 0 { inserted += 1 }
            }
            return inserted
        }
    }

    /// Leases up to `limit` due rows to `owner` until `now + lease`: pending rows whose time has
    /// come, and rows whose lease expired (their sender crashed). Rows of paused gateways wait.
    public func claim(limit: Int, owner: String, now: Date, lease: TimeInterval) throws -> [OutboxRecord] {
        try writer.write { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM outbox
                WHERE ((state = 'pending' AND next_attempt_at <= :now) OR (state = 'sending' AND lease_expires_at <= :now))
                  AND gateway NOT IN (SELECT name FROM gateway_state WHERE paused)
                ORDER BY next_attempt_at, id LIMIT :limit
                """, arguments: ["now": now, "limit": limit])
            guard !ids.isEmpty else { return [] }
            try db.execute(sql: """
                UPDATE outbox SET state = 'sending', lease_owner = :owner, lease_expires_at = :expires, updated_at = :now
                WHERE id IN (\(ids.map(String.init).joined(separator: ",")))
                """, arguments: ["owner": owner, "expires": now.addingTimeInterval(lease), "now": now])
            return try OutboxRecord.filter(ids.contains(Column("id"))).order(Column("next_attempt_at"), Column("id")).fetchAll(db)
        }
    }

    /// What to do with a row after an attempt.
    public enum AttemptResult: Sendable, Hashable {
        /// Accepted by the gateway (`sent`; a receipt may later say delivered or failed).
        case sent(reference: String?)
        /// Delivered, and no receipt will follow (a robot or webhook that answered success).
        case delivered(reference: String?)
        /// Try again at `at`.
        case retry(at: Date, error: String)
        /// Give up: permanent failure or retries exhausted.
        case dead(error: String)
        /// Not attempted (quiet hours, rate limit): back to pending until `at`, no attempt counted.
        case deferred(until: Date)
    }

    /// One row's result after a round, for `finish(_:owner:now:)`.
    public struct Finish: Sendable, Hashable {
        public var id: Int64
        public var attempt: AttemptRecord?
        public var result: AttemptResult

        public init(id: Int64, attempt: AttemptRecord?, result: AttemptResult) {
            self.id = id
            self.attempt = attempt
            self.result = result
        }
    }

    /// Records an attempt and moves the row on, if `owner` still holds its lease (a sender whose
    /// lease expired and was taken over must not overwrite the new holder's result). Returns
    /// false when the lease was lost.
    @discardableResult
    public func finish(id: Int64, owner: String, attempt: AttemptRecord?, result: AttemptResult, now: Date) throws -> Bool {
        try finish([Finish(id: id, attempt: attempt, result: result)], owner: owner, now: now)[0]
    }

    /// The results of a whole round in one transaction (one commit instead of one per row);
    /// for each, whether the lease was still held.
    public func finish(_ items: [Finish], owner: String, now: Date) throws -> [Bool] {
        guard !items.isEmpty else { return [] }
        return try writer.write { db in try items.map { try Self.finish($0, owner: owner, now: now, in: db) } }
    }

    private static func finish(_ item: Finish, owner: String, now: Date, in db: Database) throws -> Bool {
        guard var row = try OutboxRecord.fetchOne(db, key: item.id), row.leaseOwner == owner else { return false }
        // A delivery report can overtake the sender's own result (a fast gateway answers its
        // receipt before the round is written): the attempt is still recorded, the report's
        // state stands.
        let settled = row.state == OutboxState.delivered.rawValue || row.state == OutboxState.failed.rawValue
        guard row.state == OutboxState.sending.rawValue || settled else { return false }
        if var attempt = item.attempt {
            attempt.number = row.attempts + 1
            try attempt.insert(db)
            row.attempts += 1
        }
        row.leaseOwner = nil
        row.leaseExpiresAt = nil
        row.updatedAt = now
        if settled {
            if case let .sent(reference) = item.result { row.gatewayReference = reference ?? row.gatewayReference }
            try row.update(db)
            return true
        }
        switch item.result {
        case let .sent(reference):
            row.state = OutboxState.sent.rawValue
            row.gatewayReference = reference ?? row.gatewayReference
            row.lastError = nil
        case let .delivered(reference):
            row.state = OutboxState.delivered.rawValue
            row.gatewayReference = reference ?? row.gatewayReference
            row.lastError = nil
        case let .retry(at, error):
            row.state = OutboxState.pending.rawValue
            row.nextAttemptAt = at
            row.lastError = error
        case let .dead(error):
            row.state = OutboxState.dead.rawValue
            row.lastError = error
        case let .deferred(until):
            row.state = OutboxState.pending.rawValue
            row.nextAttemptAt = until
        }
        try row.update(db)
        return true
    }

    /// Records a delivery report for the row with this idempotency key or gateway reference, and
    /// moves a `sent` row to delivered or failed (see `applyReceipt`, which also tells the state
    /// before). Returns the row, or nil if none matches.
    @discardableResult
    public func recordReceipt(matching key: String, delivered: Bool, status: String, detail: String, now: Date) throws -> OutboxRecord? {
        try applyReceipt(matching: key, delivered: delivered, status: status, detail: detail, now: now)?.row
    }

    /// Outbox rows counted by state.
    public func outboxCounts() throws -> [OutboxState: Int] {
        try writer.read { db in
            var counts: [OutboxState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state") {
                if let state = OutboxState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// When the next row falls due: the earliest pending row of an unpaused gateway, or the
    /// earliest lease to expire; nil when there is nothing to send.
    public func nextDue() throws -> Date? {
        try writer.read { db in
            let pending = try Date.fetchOne(db, sql: """
                SELECT MIN(next_attempt_at) FROM outbox
                WHERE state = 'pending' AND gateway NOT IN (SELECT name FROM gateway_state WHERE paused)
                """)
            let lease = try Date.fetchOne(db, sql: "SELECT MIN(lease_expires_at) FROM outbox WHERE state = 'sending'")
            return [pending, lease].compactMap { $0 }.min()
        }
    }

    /// Delivery attempts recorded in all.
    public func attemptCount() throws -> Int {
        try writer.read { db in try AttemptRecord.fetchCount(db) }
    }

    public func outbox(id: Int64) throws -> OutboxRecord? {
        try writer.read { db in try OutboxRecord.fetchOne(db, key: id) }
    }

    public func attempts(outboxID: Int64) throws -> [AttemptRecord] {
        try writer.read { db in try AttemptRecord.filter(Column("outbox_id") == outboxID).order(Column("number")).fetchAll(db) }
    }

    public func receipts(outboxID: Int64) throws -> [ReceiptRecord] {
        try writer.read { db in try ReceiptRecord.filter(Column("outbox_id") == outboxID).order(Column("id")).fetchAll(db) }
    }
}

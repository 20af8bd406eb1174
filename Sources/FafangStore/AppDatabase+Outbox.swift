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
            let event = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO emitted_event (key, kind, project_code, emitted_at) VALUES (?, ?, ?, ?)
                """)
            let stamp = StoredDate(now)
            for due in events {
                try event.execute(arguments: [due.key, due.kind.rawValue, due.projectCode, stamp])
            }
            let row = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO outbox (idempotency_key, event_key, kind, project_code, channel, gateway, recipient, village,
                                              payee_id, text, title, state, attempts, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
                """)
            var inserted = 0
            for item in items {
                try row.execute(arguments: [item.idempotencyKey, item.eventKey, item.kind.rawValue, item.projectCode, item.channel.rawValue,
                                            item.gateway, item.recipient, item.village, item.payeeID, item.text, item.title,
                                            StoredDate(item.notBefore), stamp, stamp])
                if db.changesCount > 0 { inserted += 1 }
            }
            return inserted
        }
    }

    /// Leases up to `limit` due rows to `owner` until `now + lease`: pending rows whose time has
    /// come, and rows whose lease expired (their sender crashed). Rows of paused gateways wait.
    /// Returned in the order they fell due.
    public func claim(limit: Int, owner: String, now: Date, lease: TimeInterval) throws -> [OutboxRecord] {
        try writer.write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE outbox SET state = 'sending', lease_owner = :owner, lease_expires_at = :expires, updated_at = :now
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE ((state = 'pending' AND next_attempt_at <= :now) OR (state = 'sending' AND lease_expires_at <= :now))
                      AND gateway NOT IN (SELECT name FROM gateway_state WHERE paused)
                    ORDER BY next_attempt_at, id LIMIT :limit)
                RETURNING *
                """)
            let rows = try OutboxRecord.fetchAll(statement, arguments: ["owner": owner, "expires": StoredDate(now.addingTimeInterval(lease)),
                                                                        "now": StoredDate(now), "limit": limit])
            // RETURNING gives no order; the rows were chosen by due time.
            return rows.sorted { ($0.nextAttemptAt, $0.id ?? 0) < ($1.nextAttemptAt, $1.id ?? 0) }
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
        let stamp = StoredDate(now)
        return try writer.write { db in try items.map { try Self.finish($0, owner: owner, now: stamp, in: db) } }
    }

    private static func finish(_ item: Finish, owner: String, now: StoredDate, in db: Database) throws -> Bool {
        let counted = item.attempt == nil ? 0 : 1
        var state: String
        var reference: String?
        var nextAttempt: Date?
        // nil keeps the row's last error (a deferral says nothing about the last attempt).
        var error: String??
        switch item.result {
        case let .sent(ref):
            (state, reference, error) = (OutboxState.sent.rawValue, ref, .some(nil))
        case let .delivered(ref):
            (state, reference, error) = (OutboxState.delivered.rawValue, ref, .some(nil))
        case let .retry(at, text):
            (state, nextAttempt, error) = (OutboxState.pending.rawValue, at, .some(text))
        case let .dead(text):
            (state, error) = (OutboxState.dead.rawValue, .some(text))
        case let .deferred(until):
            (state, nextAttempt) = (OutboxState.pending.rawValue, until)
        }
        // Columns that do not change stay out of SET: SQLite rewrites the index entries of every
        // indexed column an UPDATE sets (gateway_reference has an index).
        var assignments = ["state = :state", "attempts = attempts + :counted", "last_error = IIF(:setError, :error, last_error)",
                           "lease_owner = NULL", "lease_expires_at = NULL", "updated_at = :now"]
        var arguments: StatementArguments = ["state": state, "counted": counted, "setError": error != nil, "error": error ?? nil,
                                             "now": now, "id": item.id, "owner": owner]
        if let nextAttempt {
            assignments.append("next_attempt_at = :next")
            _ = arguments.append(contentsOf: ["next": StoredDate(nextAttempt)])
        }
        if let reference {
            assignments.append("gateway_reference = :reference")
            _ = arguments.append(contentsOf: ["reference": reference])
        }
        let open = try db.cachedStatement(sql: """
            UPDATE outbox SET \(assignments.joined(separator: ", "))
            WHERE id = :id AND lease_owner = :owner AND state = 'sending'
            RETURNING attempts
            """)
        var attempts = try Int.fetchOne(open, arguments: arguments)
        if attempts == nil {
            // A delivery report can overtake the sender's own result (a fast gateway answers its
            // receipt before the round is written): the attempt is still recorded, the report's
            // state stands.
            if case .sent = item.result {} else { reference = nil }
            let settled = try db.cachedStatement(sql: """
                UPDATE outbox SET attempts = attempts + :counted, gateway_reference = COALESCE(:reference, gateway_reference),
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = :now
                WHERE id = :id AND lease_owner = :owner AND state IN ('delivered', 'failed')
                RETURNING attempts
                """)
            attempts = try Int.fetchOne(settled, arguments: ["counted": counted, "reference": reference, "now": now, "id": item.id, "owner": owner])
        }
        guard let attempts else { return false }
        if let attempt = item.attempt {
            let insert = try db.cachedStatement(sql: """
                INSERT INTO delivery_attempt (outbox_id, number, started_at, duration_ms, http_status, curl_code, verdict, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try insert.execute(arguments: [item.id, attempts, StoredDate(attempt.startedAt), attempt.durationMilliseconds, attempt.httpStatus,
                                           attempt.curlCode, attempt.verdict, attempt.detail])
        }
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

/// When the outbox filled and when it was worked off: the first and last row enqueued, the first
/// and last attempt started (nil when there are none). Benchmarks read the pipeline from it.
public struct OutboxTimeline: Sendable, Hashable {
    public var firstEnqueued: Date?
    public var lastEnqueued: Date?
    public var firstAttempt: Date?
    public var lastAttempt: Date?
}

extension AppDatabase {
    public func timeline() throws -> OutboxTimeline {
        try writer.read { db in
            let outbox = try Row.fetchOne(db, sql: "SELECT MIN(created_at) AS first, MAX(created_at) AS last FROM outbox")
            let attempts = try Row.fetchOne(db, sql: "SELECT MIN(started_at) AS first, MAX(started_at) AS last FROM delivery_attempt")
            return OutboxTimeline(firstEnqueued: outbox?["first"], lastEnqueued: outbox?["last"],
                                  firstAttempt: attempts?["first"], lastAttempt: attempts?["last"])
        }
    }
}

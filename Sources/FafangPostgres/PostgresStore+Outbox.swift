import FafangCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    public func claim(limit: Int, owner: String, now: Date, lease: TimeInterval) async throws -> [OutboxMessage] {
        guard limit > 0 else { return [] }
        // MessageLifecycle.isClaimable, as SQL: due pending rows, and rows whose lease expired.
        let expires = now.addingTimeInterval(lease)
        // Each half locks its rows as it walks its index in order, skipping rows another daemon
        // holds (so it goes on to the next ones instead of coming back empty); only the first
        // `limit` of both together are leased, the other locks end with the statement.
        let rows = try await client.query("""
            WITH due AS (
                SELECT id, next_attempt_at FROM outbox
                WHERE state = 'pending' AND next_attempt_at <= \(now) AND gateway NOT IN (SELECT name FROM gateway_state WHERE paused)
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED),
            expired AS (
                SELECT id, next_attempt_at FROM outbox
                WHERE state = 'sending' AND lease_expires_at <= \(now) AND gateway NOT IN (SELECT name FROM gateway_state WHERE paused)
                ORDER BY lease_expires_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED),
            picked AS (
                SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM expired) AS claimable ORDER BY next_attempt_at, id LIMIT \(limit))
            UPDATE outbox o SET state = 'sending', lease_owner = \(owner), lease_expires_at = \(expires), updated_at = \(now)
            FROM picked WHERE o.id = picked.id
            RETURNING \(unescaped: PostgresRows.columns("o"))
            """, logger: logger)
        // RETURNING gives no order; the rows were chosen by due time.
        return try await PostgresRows.messages(rows).sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
    }

    public func claimProbe(gateway: String, owner: String, now: Date, lease: TimeInterval) async throws -> OutboxMessage? {
        let rows = try await client.query("""
            WITH picked AS (
                SELECT id FROM outbox
                WHERE gateway = \(gateway)
                  AND ((state = 'pending' AND next_attempt_at <= \(now)) OR (state = 'sending' AND lease_expires_at <= \(now)))
                ORDER BY next_attempt_at, id LIMIT 1
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET state = 'sending', lease_owner = \(owner), lease_expires_at = \(now.addingTimeInterval(lease)), updated_at = \(now)
            FROM picked WHERE o.id = picked.id
            RETURNING \(unescaped: PostgresRows.columns("o"))
            """, logger: logger)
        return try await PostgresRows.messages(rows).first
    }

    public func claimCompanions(of message: OutboxMessage, kinds: Set<DueEvent.Kind>, owner: String, now: Date, dueBy: Date,
                                lease: TimeInterval, limit: Int) async throws -> [OutboxMessage] {
        guard !kinds.isEmpty, limit > 0 else { return [] }
        let kindNames = kinds.map(\.rawValue).sorted()
        let rows = try await client.query("""
            WITH picked AS (
                SELECT id FROM outbox
                WHERE state = 'pending' AND gateway = \(message.gateway) AND recipient = \(message.recipient) AND kind = ANY(\(kindNames))
                  AND next_attempt_at <= \(dueBy) AND id <> \(message.id)
                ORDER BY id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET state = 'sending', lease_owner = \(owner), lease_expires_at = \(now.addingTimeInterval(lease)), updated_at = \(now)
            FROM picked WHERE o.id = picked.id
            RETURNING \(unescaped: PostgresRows.columns("o"))
            """, logger: logger)
        return try await PostgresRows.messages(rows).sorted { $0.id < $1.id }
    }

    public func commit(_ changes: [MessageChange]) async throws -> [OutboxMessage?] {
        guard !changes.isEmpty else { return [] }
        // Two changes of one message in one call are applied one after the other, as SQLite
        // does; otherwise the whole set is one guarded UPDATE.
        if Set(changes.map(\.message.id)).count < changes.count {
            var results: [OutboxMessage?] = []
            for change in changes { results.append(try await commit([change])[0]) }
            return results
        }
        let messages = changes.map(\.message)
        let attempts = changes.compactMap(\.attempt)
        let receipts = changes.compactMap(\.receipt)
        // One statement, so one round trip and atomic without BEGIN and COMMIT: the transitions
        // as typed binary arrays (one per column, unnest), fenced (a row is written only if it
        // is still in the state, and held by the owner, the transition started from), and the
        // attempts and receipts of the rows written.
        let rows = try await client.query("""
            WITH c AS (
                SELECT * FROM unnest(\(messages.map(\.id))::bigint[], \(messages.map(\.state.rawValue))::text[],
                                     \(messages.map(\.attempts))::bigint[], \(messages.map(\.nextAttemptAt))::timestamptz[],
                                     \(PostgresNullableArray(messages.map(\.leaseOwner)))::text[],
                                     \(PostgresNullableArray(messages.map(\.leaseExpiresAt)))::timestamptz[],
                                     \(PostgresNullableArray(messages.map(\.lastError)))::text[], \(messages.map(\.updatedAt))::timestamptz[],
                                     \(PostgresNullableArray(messages.map(\.gatewayReference)))::text[],
                                     \(changes.map(\.expected.state.rawValue))::text[],
                                     \(PostgresNullableArray(changes.map(\.expected.leaseOwner)))::text[])
                    AS c(id, state, attempts, next_attempt_at, lease_owner, lease_expires_at, last_error, updated_at, gateway_reference,
                         expected_state, expected_owner)),
            written AS (
                UPDATE outbox o SET state = c.state, attempts = c.attempts, next_attempt_at = c.next_attempt_at,
                    lease_owner = c.lease_owner, lease_expires_at = c.lease_expires_at, last_error = c.last_error,
                    updated_at = c.updated_at, gateway_reference = COALESCE(c.gateway_reference, o.gateway_reference)
                FROM c
                WHERE o.id = c.id AND o.state = c.expected_state AND o.lease_owner IS NOT DISTINCT FROM c.expected_owner
                RETURNING o.id),
            attempts AS (
                INSERT INTO delivery_attempt (\(unescaped: PostgresRows.attemptColumns))
                SELECT * FROM unnest(\(attempts.map(\.outboxID))::bigint[], \(attempts.map(\.number))::bigint[],
                                     \(attempts.map(\.startedAt))::timestamptz[], \(attempts.map(\.durationMilliseconds))::bigint[],
                                     \(PostgresNullableArray(attempts.map(\.httpStatus)))::bigint[],
                                     \(PostgresNullableArray(attempts.map(\.curlCode)))::bigint[],
                                     \(attempts.map(\.verdict.rawValue))::text[], \(attempts.map(\.detail))::text[])
                    AS a(outbox_id, number, started_at, duration_ms, http_status, curl_code, verdict, detail)
                WHERE a.outbox_id IN (SELECT id FROM written)),
            receipts AS (
                INSERT INTO delivery_receipt (\(unescaped: PostgresRows.receiptColumns))
                SELECT * FROM unnest(\(receipts.map(\.outboxID))::bigint[], \(receipts.map(\.receivedAt))::timestamptz[],
                                     \(receipts.map(\.status))::text[], \(receipts.map(\.detail))::text[]) AS r(outbox_id, received_at, status, detail)
                WHERE r.outbox_id IN (SELECT id FROM written))
            SELECT id FROM written
            """, logger: logger)
        var written = Set<Int64>()
        for try await id in rows.decode(Int64.self) { written.insert(id) }
        // A retry that falls due sooner than anything else is found by nextDue(); a message
        // made due now (an operator's retry) is announced (after the write, which a listener
        // would see no sooner: a notification is delivered when its transaction commits).
        if changes.contains(where: { written.contains($0.message.id) && $0.message.state == .pending && $0.expected.state != .sending }) {
            let logger = self.logger
            try await client.withConnection { connection in try await Self.announce(connection, logger) }
        }
        let moved = changes.map(\.message.id).filter { !written.contains($0) }
        var current: [Int64: OutboxMessage] = [:]
        if !moved.isEmpty {
            for message in try await PostgresRows.messages(try await client.query("""
                SELECT \(unescaped: PostgresRows.columns) FROM outbox WHERE id = ANY(\(moved))
                """, logger: logger)) {
                current[message.id] = message
            }
        }
        return try changes.map { change in
            if written.contains(change.message.id) { return nil }
            guard let now = current[change.message.id] else { throw PostgresStoreError(message: "outbox row \(change.message.id) does not exist") }
            return now
        }
    }

    public func record(_ receipt: DeliveryReceipt) async throws {
        try await client.query("""
            INSERT INTO delivery_receipt (\(unescaped: PostgresRows.receiptColumns))
            VALUES (\(receipt.outboxID), \(receipt.receivedAt), \(receipt.status), \(receipt.detail))
            """, logger: logger)
    }

    public func message(id: Int64) async throws -> OutboxMessage? {
        try await PostgresRows.messages(try await client.query("SELECT \(unescaped: PostgresRows.columns) FROM outbox WHERE id = \(id)", logger: logger)).first
    }

    public func message(matching key: String, phone: String?) async throws -> OutboxMessage? {
        guard !key.isEmpty else { return nil }
        if let byKey = try await PostgresRows.messages(try await client.query("""
            SELECT \(unescaped: PostgresRows.columns) FROM outbox WHERE idempotency_key = \(key)
            """, logger: logger)).first {
            return byKey
        }
        if let phone, !phone.isEmpty, let byPhone = try await PostgresRows.messages(try await client.query("""
            SELECT \(unescaped: PostgresRows.columns) FROM outbox WHERE gateway_reference = \(key) AND recipient = \(phone) ORDER BY id LIMIT 1
            """, logger: logger)).first {
            return byPhone
        }
        // A reference that only one message has (a batch shares one: then only the phone tells).
        let byReference = try await PostgresRows.messages(try await client.query("""
            SELECT \(unescaped: PostgresRows.columns) FROM outbox WHERE gateway_reference = \(key) ORDER BY id LIMIT 2
            """, logger: logger))
        return byReference.count == 1 ? byReference[0] : nil
    }

    public func messages(in states: Set<MessageState>, id: Int64?, since: Date?) async throws -> [OutboxMessage] {
        guard !states.isEmpty else { return [] }
        let names = states.map(\.rawValue).sorted()
        return try await PostgresRows.messages(try await client.query("""
            SELECT \(unescaped: PostgresRows.columns) FROM outbox
            WHERE state = ANY(\(names)) AND (\(id)::bigint IS NULL OR id = \(id)) AND (\(since)::timestamptz IS NULL OR updated_at >= \(since))
            ORDER BY id
            """, logger: logger))
    }

    public func deliveries(_ filter: DeliveryFilter) async throws -> [DeliveryRecord] {
        let messages = try await PostgresRows.messages(try await client.query(try PostgresDeliveryQuery.query(filter), logger: logger))
        guard !messages.isEmpty else { return [] }
        let ids = messages.map(\.id)
        var attempts: [Int64: [DeliveryAttempt]] = [:]
        for try await row in try await client.query("""
            SELECT \(unescaped: PostgresRows.attemptColumns) FROM delivery_attempt WHERE outbox_id = ANY(\(ids)) ORDER BY outbox_id, number, id
            """, logger: logger) {
            let attempt = try PostgresRows.attempt(row)
            attempts[attempt.outboxID, default: []].append(attempt)
        }
        var receipts: [Int64: [DeliveryReceipt]] = [:]
        for try await row in try await client.query("""
            SELECT \(unescaped: PostgresRows.receiptColumns) FROM delivery_receipt WHERE outbox_id = ANY(\(ids)) ORDER BY outbox_id, id
            """, logger: logger) {
            let receipt = try PostgresRows.receipt(row)
            receipts[receipt.outboxID, default: []].append(receipt)
        }
        return messages.map { DeliveryRecord(message: $0, attempts: attempts[$0.id] ?? [], receipts: receipts[$0.id] ?? []) }
    }

    public func outboxCounts() async throws -> [MessageState: Int] {
        var counts: [MessageState: Int] = [:]
        for try await (state, count) in try await client.query("SELECT state, COUNT(*) FROM outbox GROUP BY state", logger: logger).decode((String, Int).self) {
            if let state = MessageState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    public func nextDue() async throws -> Date? {
        let rows = try await client.query("""
            SELECT LEAST(
                (SELECT MIN(next_attempt_at) FROM outbox
                 WHERE state = 'pending' AND gateway NOT IN (SELECT name FROM gateway_state WHERE paused)),
                (SELECT MIN(lease_expires_at) FROM outbox WHERE state = 'sending'),
                -- A paused gateway's probe: when its probe time has come and a message of it is due.
                (SELECT MIN(due) FROM (
                    SELECT GREATEST(g.next_probe_at, MIN(o.next_attempt_at)) AS due FROM gateway_state g JOIN outbox o ON o.gateway = g.name
                    WHERE g.pause_cause = 'failing' AND o.state = 'pending' GROUP BY g.name, g.next_probe_at) AS probes))
            """, logger: logger)
        for try await due in rows.decode(Date?.self) { return due }
        return nil
    }

    public func recentAttempts(since: Date) async throws -> [RecentAttempt] {
        var attempts: [RecentAttempt] = []
        let rows = try await client.query("""
            SELECT a.started_at, a.number, o.channel, o.gateway, o.recipient FROM delivery_attempt a JOIN outbox o ON o.id = a.outbox_id
            WHERE a.started_at >= \(since) ORDER BY a.started_at
            """, logger: logger)
        for try await (startedAt, number, channel, gateway, recipient) in rows.decode((Date, Int, String, String, String).self) {
            guard let channel = Channel(rawValue: channel) else { continue }
            attempts.append(RecentAttempt(startedAt: startedAt, channel: channel, gateway: gateway, recipient: recipient, number: number))
        }
        return attempts
    }

    public func attemptCount() async throws -> Int {
        for try await count in try await client.query("SELECT COUNT(*) FROM delivery_attempt", logger: logger).decode(Int.self) { return count }
        return 0
    }

    public func timeline() async throws -> OutboxTimeline {
        let rows = try await client.query("""
            SELECT (SELECT MIN(created_at) FROM outbox), (SELECT MAX(created_at) FROM outbox),
                   (SELECT MIN(started_at) FROM delivery_attempt), (SELECT MAX(started_at) FROM delivery_attempt)
            """, logger: logger)
        for try await (first, last, firstAttempt, lastAttempt) in rows.decode((Date?, Date?, Date?, Date?).self) {
            return OutboxTimeline(firstEnqueued: first, lastEnqueued: last, firstAttempt: firstAttempt, lastAttempt: lastAttempt)
        }
        return OutboxTimeline()
    }
}

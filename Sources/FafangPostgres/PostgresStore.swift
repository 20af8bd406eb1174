import FafangCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The `Store` of a county: one PostgreSQL database that several daemons share (issue 12).
///
/// Correct with several daemons: a claim takes its rows `FOR UPDATE SKIP LOCKED` and leases
/// them to its owner until an expiry; every later write of a message is fenced by the state
/// and lease holder it started from, so a daemon whose lease ran out cannot finish a message
/// another daemon took over. New due work is announced with `NOTIFY fafang_outbox` (see
/// `PostgresWakeups`); a daemon that misses one still finds the work by `nextDue()`.
///
/// Holds a `PostgresClient` (a connection pool) whose `run()` it drives itself from `open` until
/// `close()`.
public final class PostgresStore: Store, @unchecked Sendable {
    public let client: PostgresClient
    let logger: Logger
    let ledgerStore: PostgresLedger
    private let running: Task<Void, Never>
    private let started = Started()

    final class Started: Sendable {
        let flag = Mutex(false)
    }

    /// The channel new due work is announced on.
    public static let channel = "fafang_outbox"

    /// Connects, migrates (under the migrations' advisory lock: whichever daemon comes first),
    /// and returns the store.
    public static func open(_ configuration: PostgresClient.Configuration, logger: Logger) async throws -> PostgresStore {
        let store = PostgresStore(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
        // The pool takes no query before its run() has begun (it would warn, then wait).
        while !store.started.flag.withLock({ $0 }) { await Task.yield() }
        do {
            try await PostgresMigrator().migrate(store.client, logger: logger)
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Opens the database a connection string names, with `[store]`'s TLS and pool size.
    public static func open(url: String, settings: PostgresSettings, logger: Logger) async throws -> PostgresStore {
        try await open(try PostgresConnectionString.configuration(url, settings: settings), logger: logger)
    }

    /// What went wrong, in a line: the server's own message when it sent one (postgres-nio's
    /// errors print none of it, to keep queries out of logs), else the kind of failure.
    public static func describe(_ error: any Error) -> String {
        var error = error
        if let transaction = error as? PostgresTransactionError, let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
            error = inner
        }
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] {
            let code = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + code
        }
        if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
        return "\(psql.code)"
    }

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.ledgerStore = PostgresLedger(client: client, logger: logger)
        let started = self.started
        running = Task {
            started.flag.withLock { $0 = true }
            await client.run()
        }
    }

    /// Ends the pool's connections.
    public func close() { running.cancel() }

    deinit { running.cancel() }

    // MARK: Ledger

    public func recordLedger(_ entries: [LedgerEntry], source: String, now: Date, audit: (@Sendable (LedgerWriteResult) -> AuditEntry?)?,
                             check: @escaping @Sendable (LedgerEntry, Money) -> String?) async throws -> LedgerWriteResult {
        try await ledgerStore.recordLedger(entries, source: source, now: now, audit: audit, check: check)
    }

    public func ledgerTotals() async throws -> [LedgerDayTotal] { try await ledgerStore.ledgerTotals() }

    public func ledger(after: Int64) async throws -> (entries: [LedgerEntry], last: Int64) { try await ledgerStore.ledger(after: after) }

    // MARK: Events and enqueueing

    public func emittedKeys() async throws -> Set<String> {
        var keys = Set<String>()
        for try await key in try await client.query("SELECT key FROM emitted_event", logger: logger).decode(String.self) { keys.insert(key) }
        return keys
    }

    /// One row of `outbox` to insert, as `jsonb_to_recordset` reads it.
    struct NewRow: Encodable {
        var idempotency_key, event_key, kind, project_code, channel, gateway, recipient: String
        var recipient_tail, village, payee_id: String?
        var text: String
        var title, template_parameters: String?
        var state: String
        var next_attempt_at: Double
        var batch_id, amount_fen: Int64?
        var segments: Int
        var recorded_by: String?
        var ordinal: Int
    }

    struct EventRow: Encodable {
        var key, kind, project_code: String
        var event, problem: String?
    }

    @discardableResult
    public func enqueue(_ batch: EnqueueBatch, now: Date) async throws -> Int {
        let count = try await insert(batch, now: now)
        if count >= Self.bulk { try await refreshStatistics(added: count) }
        return count
    }

    /// An enqueue this large may leave the planner's statistics of `outbox` far behind.
    static let bulk = 500

    /// Analyzes `outbox` when `added` rows are more than a tenth of what the planner believes
    /// it holds. Before autovacuum's next look (a minute or more), a table that grew from nothing
    /// to thousands of due rows was planned as nearly empty: each claim then read and sorted
    /// every due row (7 ms per claim at 10,000 due) instead of walking the pending index (1.5 ms).
    func refreshStatistics(added: Int) async throws {
        var believed: Double = -1
        for try await tuples in try await client.query("SELECT reltuples::float8 FROM pg_class WHERE oid = 'outbox'::regclass", logger: logger)
            .decode(Double.self) { believed = tuples }
        guard believed < 0 || Double(added) > believed / 10 else { return }
        try await client.query("ANALYZE outbox", logger: logger)
    }

    private func insert(_ batch: EnqueueBatch, now: Date) async throws -> Int {
        // Encoded outside the transaction: only unrouted events keep their whole content.
        let events = try PostgresRows.json(batch.events.map { due in
            EventRow(key: due.key, kind: due.kind.rawValue, project_code: due.projectCode,
                     event: batch.problems[due.key] == nil ? nil : try StoredFields.eventText(due), problem: batch.problems[due.key])
        })
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection -> Int in
            try await Self.insert(batch, events: events, now: now, connection, logger)
        }
    }

    /// `enqueue`'s writes, inside the caller's transaction: the events (`events`, as
    /// `PostgresRows.json` of `EventRow`s), then the items not already there (held ones into
    /// their batches). Returns the number of new messages.
    static func insert(_ batch: EnqueueBatch, events: String, now: Date, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        if !batch.events.isEmpty {
            try await connection.query("""
                INSERT INTO emitted_event (key, kind, project_code, emitted_at, event, problem)
                SELECT key, kind, project_code, \(now), event::jsonb, problem
                FROM jsonb_to_recordset(\(events)::jsonb) AS e(key text, kind text, project_code text, event text, problem text)
                ON CONFLICT (key) DO UPDATE SET event = excluded.event, problem = excluded.problem WHERE emitted_event.problem IS NOT NULL
                """, logger: logger)
        }
        guard !batch.items.isEmpty else { return 0 }
        // A message an approver must release goes in held, into the open batch of its
        // project and day, locked until this transaction ends (an approver deciding it
        // meanwhile waits, then sees the count changed).
        var batches: [ApprovalHold: Int64] = [:]
        var opened: Set<Int64> = []
        for hold in Set(batch.items.compactMap(\.approval)).sorted(by: { ($0.projectCode, $0.day.description) < ($1.projectCode, $1.day.description) }) {
            let (id, new) = try await Self.openBatch(hold, now: now, connection, logger)
            batches[hold] = id
            if new { opened.insert(id) }
        }
        let rows = try PostgresRows.json(batch.items.enumerated().map { ordinal, item in
            let batchID = item.approval.flatMap { batches[$0] }
            return NewRow(idempotency_key: item.idempotencyKey, event_key: item.eventKey, kind: item.kind.rawValue, project_code: item.projectCode,
                          channel: item.channel.rawValue, gateway: item.gateway, recipient: item.recipient,
                          recipient_tail: StoredFields.recipientTail(item), village: item.village, payee_id: item.payeeID, text: item.text,
                          title: item.title, template_parameters: StoredFields.parametersText(item.templateParameters),
                          state: (batchID == nil ? MessageState.pending : .held).rawValue, next_attempt_at: item.notBefore.epoch,
                          batch_id: batchID, amount_fen: item.amount?.fen, segments: item.segments, recorded_by: item.recordedBy, ordinal: ordinal)
        })
        let inserted = try await connection.query("""
            WITH inserted AS (
            INSERT INTO outbox (idempotency_key, event_key, kind, project_code, channel, gateway, recipient, recipient_tail, village,
                                payee_id, text, title, template_parameters, state, attempts, next_attempt_at, batch_id, amount_fen,
                                segments, recorded_by, created_at, updated_at)
            SELECT idempotency_key, event_key, kind, project_code, channel, gateway, recipient, recipient_tail, village,
                   payee_id, text, title, template_parameters, state, 0, to_timestamp(next_attempt_at), batch_id, amount_fen,
                   segments, recorded_by, \(now), \(now)
            FROM jsonb_to_recordset(\(rows)::jsonb) AS r(
                idempotency_key text, event_key text, kind text, project_code text, channel text, gateway text, recipient text,
                recipient_tail text, village text, payee_id text, text text, title text, template_parameters text, state text,
                next_attempt_at double precision, batch_id bigint, amount_fen bigint, segments integer, recorded_by text, ordinal integer)
            ORDER BY ordinal
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id, payee_id, village, project_code, recipient_tail, batch_id, amount_fen, segments, recorded_by),
            searchable AS (
                INSERT INTO outbox_search (id, payee_id, village, project_code, recipient_tail, batch_id)
                SELECT id, payee_id, village, project_code, recipient_tail, batch_id FROM inserted)
            SELECT batch_id, amount_fen, segments, recorded_by FROM inserted
            """, logger: logger)
        var count = 0
        var tallies: [Int64: (count: Int, fen: Int64, segments: Int, recorders: Set<String>)] = [:]
        for try await (batchID, fen, segments, recorder) in inserted.decode((Int64?, Int64?, Int, String?).self) {
            count += 1
            guard let batchID else { continue }
            var tally = tallies[batchID] ?? (0, 0, 0, [])
            tally.count += 1
            tally.fen += fen ?? 0
            tally.segments += segments
            if let recorder { tally.recorders.insert(recorder) }
            tallies[batchID] = tally
        }
        for (id, tally) in tallies {
            try await connection.query("""
                UPDATE approval_batch SET message_count = message_count + \(tally.count), total_fen = total_fen + \(tally.fen),
                    segments = segments + \(tally.segments) WHERE id = \(id)
                """, logger: logger)
            for name in tally.recorders.sorted() {
                try await connection.query("""
                    INSERT INTO approval_batch_recorder (batch_id, recorded_by) VALUES (\(id), \(name)) ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
        // A batch opened for messages that were all there already goes again.
        for id in opened where tallies[id] == nil {
            try await connection.query("DELETE FROM approval_batch WHERE id = \(id)", logger: logger)
        }
        if count > tallies.values.reduce(0, { $0 + $1.count }) { try await Self.announce(connection, logger) }
        return count
    }

    /// The open batch of `hold`, locked; opened when there is none (`new`).
    static func openBatch(_ hold: ApprovalHold, now: Date, _ connection: PostgresConnection, _ logger: Logger) async throws -> (id: Int64, new: Bool) {
        let day = hold.day.description
        for _ in 0..<5 {
            for try await id in try await connection.query("""
                SELECT id FROM approval_batch WHERE project_code = \(hold.projectCode) AND day = \(day)::date AND state = 'open' FOR UPDATE
                """, logger: logger).decode(Int64.self) {
                return (id, false)
            }
            for try await id in try await connection.query("""
                INSERT INTO approval_batch (project_code, day, state, created_at) VALUES (\(hold.projectCode), \(day)::date, 'open', \(now))
                ON CONFLICT (project_code, day) WHERE state = 'open' DO NOTHING RETURNING id
                """, logger: logger).decode(Int64.self) {
                return (id, true)
            }
            // Another daemon opened it meanwhile: take that one.
        }
        throw PostgresStoreError(message: "no open approval batch of \(hold.projectCode) on \(day) could be found or opened")
    }

    /// Tells every listening daemon that work may be due (delivered when the transaction commits).
    static func announce(_ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger)
    }

    public func unroutedEvents() async throws -> [UnroutedEvent] {
        var events: [UnroutedEvent] = []
        let rows = try await client.query("""
            SELECT key, event::text, problem, emitted_at FROM emitted_event WHERE problem IS NOT NULL ORDER BY emitted_at, key
            """, logger: logger)
        for try await (key, text, problem, emittedAt) in rows.decode((String, String?, String, Date).self) {
            guard let event = StoredFields.event(text) else { throw PostgresStoreError(message: "unrouted event \(key) cannot be read back") }
            events.append(UnroutedEvent(event: event, problem: problem, emittedAt: emittedAt))
        }
        return events
    }

    // MARK: Audit log

    public func recordAudit(_ entry: AuditEntry) async throws {
        try await client.query(Self.auditInsert(entry), logger: logger)
    }

    /// The statement writing `entry`, alone or in the transaction of what it audits.
    static func auditInsert(_ entry: AuditEntry) -> PostgresQuery {
        """
        INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.subject), \(entry.detail))
        """
    }

    public func auditLog(limit: Int, before: Int64?) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        let rows = try await client.query("""
            SELECT id, at, actor, action, subject, detail FROM audit_log WHERE id < \(before ?? Int64.max) ORDER BY id DESC LIMIT \(max(0, limit))
            """, logger: logger)
        for try await (id, at, actor, action, subject, detail) in rows.decode((Int64, Date, String, String, String, String).self) {
            entries.append(AuditEntry(id: id, at: at, actor: actor, action: action, subject: subject, detail: detail))
        }
        return entries
    }

    // MARK: Gateway health

    public func gatewayHealth() async throws -> [GatewayHealth] {
        var health: [GatewayHealth] = []
        let rows = try await client.query("""
            SELECT name, failing_since, failures, reason, paused_at, pause_cause, next_probe_at FROM gateway_state ORDER BY name
            """, logger: logger)
        for try await (name, failingSince, failures, reason, pausedAt, cause, nextProbe) in rows.decode((String, Date?, Int, String?, Date?, String?, Date?).self) {
            health.append(GatewayHealth(name: name, failingSince: failingSince, failures: failures, lastFailure: reason, pausedAt: pausedAt,
                                        pauseCause: cause.flatMap(GatewayHealth.PauseCause.init), nextProbeAt: nextProbe))
        }
        return health
    }

    public func save(_ health: GatewayHealth, requeueWaitingAt now: Date?) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("""
                INSERT INTO gateway_state (name, paused, failing_since, paused_at, reason, failures, pause_cause, next_probe_at)
                VALUES (\(health.name), \(health.isPaused), \(health.failingSince), \(health.pausedAt), \(health.lastFailure), \(health.failures),
                        \(health.pauseCause?.rawValue), \(health.nextProbeAt))
                ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, failing_since = excluded.failing_since,
                    paused_at = excluded.paused_at, reason = excluded.reason, failures = excluded.failures,
                    pause_cause = excluded.pause_cause, next_probe_at = excluded.next_probe_at
                """, logger: logger)
            if let now {
                // MessageLifecycle.gatewayResumed, for every message of the gateway at once.
                try await connection.query("""
                    UPDATE outbox SET next_attempt_at = \(now), updated_at = \(now)
                    WHERE gateway = \(health.name) AND state = 'pending' AND next_attempt_at > \(now)
                    """, logger: logger)
            }
            if !health.isPaused { try await Self.announce(connection, logger) }
        }
    }
}

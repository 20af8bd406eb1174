import FafangCore
import Foundation
import GRDB

/// The `Store` of one township: a SQLite database (GRDB, WAL) holding the ledger and its day
/// totals, the events emitted, the outbox with its attempts and reports, the approval batches,
/// the audit log, and the gateways' health.
///
/// Wraps a GRDB writer and owns the migrator. A file database is opened as a `DatabasePool`
/// (WAL mode); tests use a temporary file or an in-memory queue. Shipped migrations are never
/// edited: changes come as new ones. No GRDB type appears in its API.
public struct SQLiteStore: Store {
    let writer: any DatabaseWriter

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// The database file's name in the state directory.
    public static let fileName = "fafang.sqlite"

    /// Opens (creating if needed) `fafang.sqlite` in `directory`, in WAL mode.
    public static func open(directory: String) throws -> SQLiteStore {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(path: (directory as NSString).appendingPathComponent(fileName), configuration: configuration)
        return try SQLiteStore(pool)
    }

    /// An empty in-memory database, for tests.
    public static func inMemory() throws -> SQLiteStore { try SQLiteStore(DatabaseQueue()) }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "ledger_entry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("bank_reference", .text).notNull().unique()
                t.column("project_code", .text).notNull().indexed()
                t.column("payee_id", .text).notNull()
                t.column("amount_fen", .integer).notNull().check { $0 > 0 }
                t.column("paid_on", .text).notNull()
                t.column("source", .text).notNull()
                t.column("recorded_at", .datetime).notNull()
            }
            try db.create(table: "emitted_event") { t in
                t.primaryKey("key", .text)
                t.column("kind", .text).notNull()
                t.column("project_code", .text).notNull()
                t.column("emitted_at", .datetime).notNull()
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("idempotency_key", .text).notNull().unique()
                t.column("event_key", .text).notNull().references("emitted_event", column: "key")
                t.column("kind", .text).notNull()
                t.column("project_code", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("gateway", .text).notNull()
                t.column("recipient", .text).notNull()
                t.column("village", .text)
                t.column("payee_id", .text)
                t.column("text", .text).notNull()
                t.column("title", .text)
                t.column("state", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime).notNull()
                t.column("lease_owner", .text)
                t.column("lease_expires_at", .datetime)
                t.column("gateway_reference", .text).indexed()
                t.column("last_error", .text)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["state", "next_attempt_at"])
            try db.create(table: "delivery_attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("outbox_id", .integer).notNull().indexed().references("outbox", onDelete: .cascade)
                t.column("number", .integer).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("duration_ms", .integer).notNull()
                t.column("http_status", .integer)
                t.column("curl_code", .integer)
                t.column("verdict", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "delivery_receipt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("outbox_id", .integer).notNull().indexed().references("outbox", onDelete: .cascade)
                t.column("received_at", .datetime).notNull()
                t.column("status", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "gateway_state") { t in
                t.primaryKey("name", .text)
                t.column("paused", .boolean).notNull().defaults(to: false)
                t.column("failing_since", .datetime)
                t.column("paused_at", .datetime)
                t.column("reason", .text)
            }
        }
        migrator.registerMigration("v2: ledger by payee") { db in
            // Recording a payment sums what its payee was paid before: with thousands of payees
            // per project, that must not scan the project's whole ledger.
            try db.create(index: "ledger_entry_payee", on: "ledger_entry", columns: ["project_code", "payee_id"])
        }
        migrator.registerMigration("v3: lifecycle, unrouted events, gateway health") { db in
            // Cloud SMS templates take the fields a message was rendered from.
            try db.alter(table: "outbox") { t in t.add(column: "template_parameters", .text) }
            // An event whose messages could not all be made is kept whole, with why, and routed
            // again after a reload.
            try db.alter(table: "emitted_event") { t in
                t.add(column: "event", .text)
                t.add(column: "problem", .text)
            }
            try db.execute(sql: "CREATE INDEX emitted_event_unrouted ON emitted_event(key) WHERE problem IS NOT NULL")
            // Health survives restarts: failed rounds, who paused it, the next probe.
            try db.alter(table: "gateway_state") { t in
                t.add(column: "failures", .integer).notNull().defaults(to: 0)
                t.add(column: "pause_cause", .text)
                t.add(column: "next_probe_at", .datetime)
            }
            // A pause from before this version is kept until an operator resumes it.
            try db.execute(sql: "UPDATE gateway_state SET pause_cause = 'operator' WHERE paused")
            // Receipts of a cloud SMS batch share the batch's reference: matched with the phone.
            try db.create(index: "outbox_reference_recipient", on: "outbox", columns: ["gateway_reference", "recipient"])
            try db.execute(sql: "DROP INDEX IF EXISTS index_outbox_on_gateway_reference")
        }
        migrator.registerMigration("v4: approval, audit, ledger totals", migrate: approvalMigration)
        migrator.registerMigration("v5: the few rows of a state, newest first") { db in
            // The console lists the dead, failed, rejected and held messages newest first: with
            // only `outbox_due` (state, due time) that sorted every row of the state (90 ms for
            // 20,000 dead of a million). One partial index each holds only those rows, so the
            // dispatcher's writes through pending, sending, sent and delivered never touch them.
            for state in DeliveryQuery.fewStates {
                try db.execute(sql: "CREATE INDEX outbox_\(state.rawValue) ON outbox(id) WHERE state = '\(state.rawValue)'")
            }
        }
        migrator.registerMigration("v6: inquiries", migrate: inquiryMigration)
        migrator.registerMigration("v7: space probe") { db in
            // Written and emptied again by `probeSpace` while the disk is full: never holds a row.
            try db.create(table: "space_probe") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("filler", .blob).notNull()
            }
        }
        return migrator
    }
}

extension SQLiteStore {
    /// Runs raw SQL: for tests that damage the database on purpose, and for maintenance.
    public func execute(sql: String) async throws {
        try await writer.write { db in try db.execute(sql: sql) }
    }
}

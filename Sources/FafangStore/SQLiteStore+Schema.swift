import FafangCore
import Foundation
import GRDB

extension SQLiteStore {
    /// v4: held messages in approval batches, the operators' audit log, the ledger's day totals
    /// and who recorded each payment; and the indexes the console's delivery search needs on a
    /// million outbox rows.
    static func approvalMigration(_ db: Database) throws {
        // One open batch per project and day at most: the partial unique index is also how
        // `enqueue` finds it. Counts, total and segments are kept as messages join, so listing
        // batches never reads their messages.
        try db.create(table: "approval_batch") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("project_code", .text).notNull()
            t.column("day", .text).notNull()
            t.column("state", .text).notNull()
            t.column("message_count", .integer).notNull().defaults(to: 0)
            t.column("amount_fen", .integer).notNull().defaults(to: 0)
            t.column("segments", .integer).notNull().defaults(to: 0)
            t.column("created_at", .datetime).notNull()
            t.column("decided_by", .text)
            t.column("decided_at", .datetime)
            t.column("reason", .text)
        }
        try db.execute(sql: "CREATE UNIQUE INDEX approval_batch_open ON approval_batch(project_code, day) WHERE state = 'open'")
        try db.create(index: "approval_batch_state", on: "approval_batch", columns: ["state", "id"])
        // Who recorded the payments a batch tells of: an approver among them may not decide it.
        try db.create(table: "approval_batch_recorder", options: [.withoutRowID]) { t in
            t.column("batch_id", .integer).notNull().references("approval_batch", onDelete: .cascade)
            t.column("name", .text).notNull()
            t.primaryKey(["batch_id", "name"])
        }
        try db.alter(table: "outbox") { t in
            t.add(column: "batch_id", .integer).references("approval_batch")
            t.add(column: "amount_fen", .integer)
            t.add(column: "segments", .integer).notNull().defaults(to: 1)
            t.add(column: "recorded_by", .text)
            // The last 4 digits of an SMS recipient, for the console's search by phone tail;
            // NULL for webhooks.
            t.add(column: "recipient_tail", .text)
        }
        try db.execute(sql: "UPDATE outbox SET recipient_tail = substr(recipient, -4) WHERE channel = 'sms'")
        try db.create(index: "outbox_batch", on: "outbox", columns: ["batch_id"])
        try db.create(index: "outbox_payee", on: "outbox", columns: ["payee_id"])
        try db.create(index: "outbox_village", on: "outbox", columns: ["village"])
        try db.create(index: "outbox_project", on: "outbox", columns: ["project_code"])
        try db.create(index: "outbox_recipient_tail", on: "outbox", columns: ["recipient_tail"])

        try db.create(table: "audit_log") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .datetime).notNull()
            t.column("actor", .text).notNull()
            t.column("action", .text).notNull()
            t.column("subject", .text).notNull()
            t.column("detail", .text).notNull()
        }

        try db.alter(table: "ledger_entry") { t in t.add(column: "recorded_by", .text) }
        // What each project was paid on each value date, kept by `recordLedger` in its own
        // transaction: status and metrics read a few hundred rows, never the ledger.
        try db.create(table: "ledger_day_total", options: [.withoutRowID]) { t in
            t.column("project_code", .text).notNull()
            t.column("paid_on", .text).notNull()
            t.column("amount_fen", .integer).notNull()
            t.column("entries", .integer).notNull()
            t.primaryKey(["project_code", "paid_on"])
        }
        try db.execute(sql: """
            INSERT INTO ledger_day_total (project_code, paid_on, amount_fen, entries)
            SELECT project_code, paid_on, SUM(amount_fen), COUNT(*) FROM ledger_entry GROUP BY project_code, paid_on
            """)
    }
}

import FafangCore
import Foundation
import GRDB

extension SQLiteStore {
    /// v6: inbound SMS (`inquiry`), one row per provider id; the replies of a phone's day are
    /// counted on (phone, received_at) of the rows answered.
    static func inquiryMigration(_ db: Database) throws {
        try db.create(table: "inquiry") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("intake", .text).notNull()
            t.column("provider_id", .text).notNull()
            t.column("phone", .text).notNull()
            t.column("received_at", .datetime).notNull()
            t.column("outcome", .text).notNull()
            t.column("payees", .integer).notNull()
            t.column("outbox_id", .integer).references("outbox")
            t.uniqueKey(["intake", "provider_id"])
        }
        try db.execute(sql: "CREATE INDEX inquiry_replied ON inquiry(phone, received_at) WHERE outcome = 'replied'")
    }

    public func recordInquiry(_ inquiry: InquiryRecord, reply: OutboxItem?, dailyLimit: Int, dayStart: Date) async throws -> InquiryResult {
        let stamp = StoredDate(inquiry.receivedAt)
        return try await writer.write { db -> InquiryResult in
            // One writer at a time: the count and the insert below cannot interleave with another's.
            let seen = try Bool.fetchOne(db, sql: "SELECT 1 FROM inquiry WHERE intake = ? AND provider_id = ?",
                                         arguments: [inquiry.intake.rawValue, inquiry.providerID]) ?? false
            if seen { return .duplicate }
            var result = InquiryResult.ignored
            var outboxID: Int64?
            if var reply {
                let today = try Int.fetchOne(db, sql: "SELECT count(*) FROM inquiry WHERE phone = ? AND received_at >= ? AND outcome = 'replied'",
                                             arguments: [inquiry.phone, StoredDate(dayStart)]) ?? 0
                if today >= dailyLimit {
                    result = .limited(repliesToday: today)
                } else {
                    reply.approval = nil
                    let event = DueEvent(key: reply.eventKey, kind: reply.kind, projectCode: reply.projectCode, audiences: [], facts: DueEvent.Facts())
                    _ = try Self.insert(EnqueueBatch(events: [event], items: [reply]), unrouted: [:], stamp: stamp, db)
                    guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM outbox WHERE idempotency_key = ?", arguments: [reply.idempotencyKey]) else {
                        throw StoreError(message: "the reply to an inquiry was not enqueued")
                    }
                    outboxID = id
                    result = .replied(messageID: id)
                }
            }
            try db.execute(sql: """
                INSERT INTO inquiry (intake, provider_id, phone, received_at, outcome, payees, outbox_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [inquiry.intake.rawValue, inquiry.providerID, inquiry.phone, stamp, result.storedOutcome, inquiry.payees, outboxID])
            if let entry = inquiry.auditEntry(result) {
                try db.execute(sql: "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                               arguments: [StoredDate(entry.at), entry.actor, entry.action, entry.subject, entry.detail])
            }
            return result
        }
    }

}

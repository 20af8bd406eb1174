import FafangCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    public func recordInquiry(_ inquiry: InquiryRecord, reply: OutboxItem?, dailyLimit: Int, dayStart: Date) async throws -> InquiryResult {
        var reply = reply
        reply?.approval = nil
        let events = try reply.map { item in
            try PostgresRows.json([EventRow(key: item.eventKey, kind: item.kind.rawValue, project_code: item.projectCode, event: nil, problem: nil)])
        }
        let (intake, phone, stamp) = (inquiry.intake.rawValue, inquiry.phone, inquiry.receivedAt)
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection -> InquiryResult in
            // One phone's inquiries one at a time, across daemons: the count below then holds.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("inquiry:" + phone)))", logger: logger)
            for try await _ in try await connection.query("""
                SELECT 1 FROM inquiry WHERE intake = \(intake) AND provider_id = \(inquiry.providerID)
                """, logger: logger).decode(Int.self) {
                return .duplicate
            }
            var result = InquiryResult.ignored
            var outboxID: Int64?
            if let reply, let events {
                var today = 0
                for try await count in try await connection.query("""
                    SELECT count(*)::int FROM inquiry WHERE phone = \(phone) AND received_at >= \(dayStart) AND outcome = 'replied'
                    """, logger: logger).decode(Int.self) { today = count }
                if today >= dailyLimit {
                    result = .limited(repliesToday: today)
                } else {
                    _ = try await Self.insert(EnqueueBatch(events: [DueEvent(key: reply.eventKey, kind: reply.kind, projectCode: reply.projectCode,
                                                                              audiences: [], facts: DueEvent.Facts())], items: [reply]),
                                              events: events, now: stamp, connection, logger)
                    for try await id in try await connection.query("""
                        SELECT id FROM outbox WHERE idempotency_key = \(reply.idempotencyKey)
                        """, logger: logger).decode(Int64.self) { outboxID = id }
                    guard let outboxID else { throw PostgresStoreError(message: "the reply to an inquiry was not enqueued") }
                    result = .replied(messageID: outboxID)
                }
            }
            try await connection.query("""
                INSERT INTO inquiry (intake, provider_id, phone, received_at, outcome, payees, outbox_id)
                VALUES (\(intake), \(inquiry.providerID), \(phone), \(stamp), \(result.storedOutcome), \(inquiry.payees), \(outboxID))
                """, logger: logger)
            if let entry = inquiry.auditEntry(result) {
                try await connection.query("""
                    INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.subject), \(entry.detail))
                    """, logger: logger)
            }
            return result
        }
    }
}

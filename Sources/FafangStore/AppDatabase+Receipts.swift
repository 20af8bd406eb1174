import FafangCore
import Foundation
import GRDB

/// What a delivery report did to its outbox row.
public struct ReceiptOutcome: Sendable, Hashable {
    /// The row after the report.
    public var row: OutboxRecord
    /// Its state before the report.
    public var previousState: String

    /// Whether the report moved the row to another state (an intermediate or late report does not).
    public var changedState: Bool { row.state != previousState }
}

extension AppDatabase {
    /// Receipt statuses that say a message is on its way, not where it ended: recorded, the row's
    /// state kept (Kannel's "accepted by SMSC" and "queued on SMSC", an SMPP `ENROUTE`).
    public static let intermediateReceiptStatuses: Set<String> = ["accepted", "queued", "enroute"]

    /// Records a delivery report for the row with this idempotency key or gateway reference, and
    /// moves a `sent` row to delivered (when `delivered`) or failed (unless `status` is one of
    /// `intermediateReceiptStatuses`). A row already delivered, failed or dead keeps its state.
    /// Returns the row before and after, or nil if none matches (nothing is recorded then).
    @discardableResult
    public func applyReceipt(matching key: String, delivered: Bool, status: String, detail: String, now: Date) throws -> ReceiptOutcome? {
        try writer.write { db in
            guard !key.isEmpty,
                  var row = try OutboxRecord.filter(Column("idempotency_key") == key || Column("gateway_reference") == key).fetchOne(db),
                  let id = row.id
            else { return nil }
            let previous = row.state
            try ReceiptRecord(outboxID: id, receivedAt: now, status: status, detail: detail).insert(db)
            let open: Set<String> = [OutboxState.sent.rawValue, OutboxState.sending.rawValue, OutboxState.pending.rawValue]
            if open.contains(row.state) {
                // A final report settles the row; an intermediate one ("accepted by SMSC") does not.
                if delivered {
                    row.state = OutboxState.delivered.rawValue
                } else if !Self.intermediateReceiptStatuses.contains(status) {
                    row.state = OutboxState.failed.rawValue
                }
                row.updatedAt = now
                try row.update(db)
            }
            return ReceiptOutcome(row: row, previousState: previous)
        }
    }
}

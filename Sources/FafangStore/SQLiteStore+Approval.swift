import FafangCore
import Foundation
import GRDB

// Approval batches, the audit log and the ledger's day totals in SQLite. TODO(approval helper): implement.
extension SQLiteStore {
    public func ledgerTotals() async throws -> [LedgerDayTotal] { throw StoreError(message: "ledgerTotals: not yet implemented") }
    public func approvalBatches(states: Set<ApprovalBatch.State>?, limit: Int) async throws -> [ApprovalBatch] {
        throw StoreError(message: "approvalBatches: not yet implemented")
    }
    public func approvalBatch(id: Int64) async throws -> ApprovalBatch? { throw StoreError(message: "approvalBatch: not yet implemented") }
    public func batchMessages(id: Int64, limit: Int) async throws -> [OutboxMessage] { throw StoreError(message: "batchMessages: not yet implemented") }
    public func decide(_ decision: BatchDecision, now: Date) async throws -> Result<ApprovalBatch, ApprovalRefusal> {
        throw StoreError(message: "decide: not yet implemented")
    }
    public func recordAudit(_ entry: AuditEntry) async throws { throw StoreError(message: "recordAudit: not yet implemented") }
    public func auditLog(limit: Int, before: Int64?) async throws -> [AuditEntry] { throw StoreError(message: "auditLog: not yet implemented") }
}

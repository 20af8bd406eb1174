import FafangCore
import Foundation
import GRDB

/// The operators' audit log in SQLite: `audit_log`, append-only, newest first when read.
extension SQLiteStore {
    public func recordAudit(_ entry: AuditEntry) async throws {
        try await writer.write { db in try Self.insertAudit(entry, db) }
    }

    /// Writes `entry` in the transaction of `db` (with what it audits).
    static func insertAudit(_ entry: AuditEntry, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [StoredDate(entry.at), entry.actor, entry.action, entry.subject, entry.detail])
    }

    public func auditLog(limit: Int, before: Int64?) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, at, actor, action, subject, detail FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?",
                             arguments: [before ?? Int64.max, max(0, limit)]).map { row in
                AuditEntry(id: row[0], at: row[1], actor: row[2], action: row[3], subject: row[4], detail: row[5])
            }
        }
    }
}

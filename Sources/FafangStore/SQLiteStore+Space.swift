import FafangCore
import Foundation
import GRDB

// SQLITE_FULL (with its extended codes): the disk is full, or the database reached
// `PRAGMA max_page_count`. The transaction that met it was rolled back.
extension DatabaseError: StoreWriteFailure {
    public var isOutOfSpace: Bool { resultCode == .SQLITE_FULL }
}

extension SQLiteStore {
    /// The scratch row's size: 16 pages of 4 KiB, committed to the WAL and then to the file.
    static let probeBytes = 65_536

    public func probeSpace() async throws {
        // Two commits, not one transaction that cancels itself: the first must reach the WAL,
        // which is where a full disk refuses it.
        let id = try await writer.write { db -> Int64 in
            try db.execute(sql: "INSERT INTO space_probe (filler) VALUES (randomblob(?))", arguments: [Self.probeBytes])
            return db.lastInsertedRowID
        }
        try await writer.write { db in try db.execute(sql: "DELETE FROM space_probe WHERE id = ?", arguments: [id]) }
    }
}

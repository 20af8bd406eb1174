import FafangCore
import Foundation
import PostgresNIO

// SQLSTATE 53100 disk_full: the statement (and its transaction) failed.
extension PSQLError: StoreWriteFailure {
    public var isOutOfSpace: Bool { serverInfo?[.sqlState] == "53100" }
}

extension PostgresTransactionError: StoreWriteFailure {
    public var isOutOfSpace: Bool {
        [closureError, beginError, commitError].contains { $0.map(StoreSpace.isOutOfSpace) ?? false }
    }
}

extension PostgresStore {
    public func probeSpace() async throws {
        // Two statements, each its own transaction: the row's 64 KiB must reach the WAL and the
        // table's TOAST, where a full disk refuses it.
        let rows = try await client.query("""
            INSERT INTO space_probe (filler) VALUES (convert_to(repeat('x', 65536), 'UTF8')) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) {
            try await client.query("DELETE FROM space_probe WHERE id = \(id)", logger: logger)
        }
    }
}

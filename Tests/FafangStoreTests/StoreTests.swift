import FafangCore
@testable import FafangStore
import FafangTestSupport
import Foundation
import GRDB
import Testing

/// The store contract, run against SQLite: in memory, and as a file in WAL mode.
@Suite("Store contract: SQLite")
struct SQLiteStoreContractTests {
    @Test("in memory", arguments: StoreContract.cases)
    func inMemory(_ contract: StoreContract.Case) async throws {
        try await contract.run { try SQLiteStore.inMemory() }
    }

    @Test("file, WAL", arguments: StoreContract.cases)
    func file(_ contract: StoreContract.Case) async throws {
        let directory = NSTemporaryDirectory() + "fafang-contract-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await contract.run { try SQLiteStore.open(directory: directory) }
    }
}

@Suite("Store: SQLite specifics")
struct SQLiteStoreTests {
    @Test func fileDatabaseUsesWAL() throws {
        let directory = NSTemporaryDirectory() + "fafang-store-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore.open(directory: directory)
        let mode = try store.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    /// A database written by the previous version (v1 and v2 only, a pause made then) opens, and
    /// the pause is kept as an operator's.
    @Test func migratesAnEarlierDatabase() async throws {
        let queue = try DatabaseQueue()
        try SQLiteStore.migrator.migrate(queue, upTo: "v2: ledger by payee")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO gateway_state (name, paused, reason) VALUES ('v1', 1, 'paused by the operator')")
        }
        let store = try SQLiteStore(queue)
        let health = try await store.health(of: "v1")
        #expect(health.pauseCause == .operator)
    }
}

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

    /// A database of v3 (payments and SMS already there) opens with its day totals backfilled
    /// and its SMS findable by phone tail.
    @Test func migrationFourBackfillsTotalsAndPhoneTails() async throws {
        let queue = try DatabaseQueue()
        try SQLiteStore.migrator.migrate(queue, upTo: "v3: lifecycle, unrouted events, gateway health")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO ledger_entry (bank_reference, project_code, payee_id, amount_fen, paid_on, source, recorded_at) VALUES
                    ('B1', 'P1', 'H1', 1000, '2021-03-01', 'cli', '2021-03-01 00:00:00.000'),
                    ('B2', 'P1', 'H2', 500, '2021-03-01', 'cli', '2021-03-01 00:00:00.000'),
                    ('B3', 'P1', 'H1', 200, '2021-03-02', 'cli', '2021-03-02 00:00:00.000');
                INSERT INTO emitted_event (key, kind, project_code, emitted_at) VALUES ('E1', 'payment_recorded', 'P1', '2021-03-01 00:00:00.000');
                INSERT INTO outbox (idempotency_key, event_key, kind, project_code, channel, gateway, recipient, text, state,
                                    next_attempt_at, created_at, updated_at) VALUES
                    ('K1', 'E1', 'payment_recorded', 'P1', 'sms', 'kannel', '17000001234', '您好', 'delivered',
                     '2021-03-01 00:00:00.000', '2021-03-01 00:00:00.000', '2021-03-01 00:00:00.000'),
                    ('K2', 'E1', 'payment_recorded', 'P1', 'webhook', 'v1234', 'v1234', '您好', 'delivered',
                     '2021-03-01 00:00:00.000', '2021-03-01 00:00:00.000', '2021-03-01 00:00:00.000');
                """)
        }
        let store = try SQLiteStore(queue)
        let march = try #require(CivilDate(iso: "2021-03-01"))
        #expect(try await store.ledgerTotals() == [
            LedgerDayTotal(projectCode: "P1", date: march, amount: Money(fen: 1500), entries: 2),
            LedgerDayTotal(projectCode: "P1", date: march.adding(days: 1), amount: Money(fen: 200), entries: 1),
        ])
        let found = try await store.deliveries(DeliveryFilter(phoneTail: "1234"))
        #expect(found.map(\.message.idempotencyKey) == ["K1"])
        #expect(found.first?.message.item.segments == 1 && found.first?.message.batchID == nil)
    }
}

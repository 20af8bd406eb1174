import FafangPostgres
import FafangTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL schema's migrations on a private cluster: several daemons starting at once
/// migrate it exactly once (issue 12, first step).
@Suite("PostgreSQL migrations")
struct PostgresMigratorTests {
    @Test func threeMigratorsAtOnceApplyEachVersionOnce() async throws {
        let harness = try await PostgresHarness.shared()
        let database = try await harness.freshDatabase("migrate_once")
        let logger = Logger(label: "test")
        let clients = (0..<3).map { _ in
            PostgresClient(configuration: .init(host: "127.0.0.1", port: harness.port, username: harness.user, password: nil,
                                                database: database, tls: .disable))
        }
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group -> [[Int]] in
            for client in clients { group.addTask { await client.run(); return [] } }
            var results: [[Int]] = []
            try await withThrowingTaskGroup(of: [Int].self) { migrations in
                for client in clients { migrations.addTask { try await PostgresMigrator().migrate(client, logger: logger) } }
                for try await result in migrations { results.append(result) }
            }
            group.cancelAll()
            return results
        }
        #expect(applied.filter { !$0.isEmpty } == [PostgresSchema.migrations.map(\.version)], "one daemon migrated, the others found it done")
        #expect(try harness.psql("SELECT count(*) FROM fafang_schema", database: database).trimmingCharacters(in: .whitespacesAndNewlines)
            == "\(PostgresSchema.migrations.count)")
        let tables = try harness.psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
                                      database: database)
        for table in ["ledger_entry", "ledger_day_total", "outbox", "delivery_attempt", "approval_batch", "audit_log"] {
            #expect(tables.contains(table), "\(tables)")
        }
    }
}

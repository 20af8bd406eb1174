import FafangCore
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL store's schema, versioned: each migration runs once, in order, recorded in
/// `fafang_schema`. Several daemons may start together; whichever takes the advisory lock first
/// migrates, inside one transaction, and the others then find every version applied. Shipped
/// migrations are never edited: changes come as new ones.
public struct PostgresMigrator: Sendable {
    public struct Migration: Sendable {
        public var version: Int
        public var name: String
        public var statements: [String]
    }

    /// The advisory lock key of migrations (any 64-bit number no other application uses).
    public static let lockKey: Int64 = 0x6661_6661_6E67_0001  // "fafang" + 1

    public let migrations: [Migration]

    public init(migrations: [Migration] = PostgresSchema.migrations) { self.migrations = migrations }

    /// Applies what is missing; returns the versions this call applied (empty when another
    /// daemon had done it).
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        let migrations = self.migrations
        return try await client.withTransaction(logger: logger) { connection -> [Int] in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS fafang_schema (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM fafang_schema", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO fafang_schema (version, name) VALUES (\(migration.version), \(migration.name))",
                                           logger: logger)
                logger.notice("database migrated", metadata: ["schema.version": "\(migration.version)", "schema.name": "\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }
}

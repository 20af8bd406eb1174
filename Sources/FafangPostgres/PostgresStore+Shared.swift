import FafangCore
import Foundation
import Logging
import PostgresNIO

/// Several daemons on one database: LISTEN/NOTIFY, and leadership by a session advisory lock.
extension PostgresStore: SharedStore {
    /// The channel payments recorded are announced on.
    public static let ledgerChannel = "fafang_ledger"

    public func listen(_ heard: @escaping @Sendable (StoreAnnouncement) -> Void) async throws {
        // One connection of the pool, given over to listening for as long as this runs.
        try await client.withConnection { connection in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (channel, announcement) in [(Self.channel, StoreAnnouncement.outbox), (Self.ledgerChannel, .ledger)] {
                    group.addTask {
                        try await connection.listen(on: channel) { notifications in
                            for try await _ in notifications { heard(announcement) }
                        }
                        throw PostgresStoreError(message: "the notifications of \(channel) ended")
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    public func whileLeading(_ key: Int64, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let logger = self.logger
        // A session lock, on a connection held for as long as this daemon leads: if the daemon
        // dies, its connection closes and the database frees the lock for another.
        return try await client.withConnection { connection -> Bool in
            var got = false
            for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) { got = value }
            guard got else { return false }
            let outcome: Result<Void, any Error>
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await body() }
                    // The lock lives as long as its connection: one that stops answering ends the lead.
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .seconds(2))
                            try await connection.query("SELECT 1", logger: logger)
                        }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            // Freed before the connection goes back to the pool (a broken one frees it anyway).
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
            try outcome.get()
            return true
        }
    }

    public func takeSlot(_ limit: SharedLimit, now: Date) async throws -> Date? {
        let logger = self.logger
        let windowStart = now.addingTimeInterval(-limit.window)
        return try await client.withTransaction(logger: logger) { connection -> Date? in
            // One key at a time, across daemons: count, then take.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(limit.name + "\u{1F}" + limit.key), 1))", logger: logger)
            try await connection.query("""
                DELETE FROM rate_slot WHERE limiter = \(limit.name) AND key = \(limit.key) AND taken_at <= \(windowStart)
                """, logger: logger)
            var count = 0
            var oldest: Date?
            for try await (taken, first) in try await connection.query("""
                SELECT COUNT(*), MIN(taken_at) FROM rate_slot WHERE limiter = \(limit.name) AND key = \(limit.key)
                """, logger: logger).decode((Int, Date?).self) {
                count = taken
                oldest = first
            }
            guard count < limit.limit else { return (oldest ?? now).addingTimeInterval(limit.window) }
            try await connection.query("INSERT INTO rate_slot (limiter, key, taken_at) VALUES (\(limit.name), \(limit.key), \(now))", logger: logger)
            return nil
        }
    }

    public func databaseNow() async throws -> Date {
        // clock_timestamp(): the time of the call, not of the transaction's start.
        for try await now in try await client.query("SELECT clock_timestamp()", logger: logger).decode(Date.self) { return now }
        throw PostgresStoreError(message: "the database did not tell its time")
    }
}

import FafangCore
import Foundation
import GRDB

/// A cell of the SQLite database as stored: its storage class and value, uninterpreted.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLiteStore {
    /// Opens a township's database read-only, to copy it elsewhere (`fafang migrate`): nothing is
    /// written to it, not even a migration. Refused when the file does not exist, or when its
    /// schema is not this version's (older: open it once with this fafang so it migrates;
    /// newer: use the fafang that wrote it).
    public static func openForReading(path: String) throws -> SQLiteStoreReader {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw StoreError(message: "\(path): no such database file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue: DatabaseQueue
        let applied: Set<String>
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            applied = try queue.read { db in
                try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
            }
        } catch {
            throw StoreError(message: "\(path): cannot read the database: \(error)")
        }
        let known = migrator.migrations
        let unknown = applied.subtracting(known).sorted()
        guard unknown.isEmpty else {
            throw StoreError(message: "\(path): the schema is newer than this fafang knows (migrations \(unknown.joined(separator: ", "))); use the fafang that wrote it")
        }
        let missing = known.filter { !applied.contains($0) }
        guard missing.isEmpty else {
            let latest = known.last { applied.contains($0) }.map { "it is at \"\($0)\"" } ?? "it has no fafang schema"
            throw StoreError(message: "\(path): the schema is older than \"\(known.last ?? "")\" (\(latest)); open it once with this fafang (e.g. `fafang status` on a configuration whose [store] is sqlite) so that it migrates, then migrate it")
        }
        return SQLiteStoreReader(queue: queue, path: path)
    }
}

/// A township's database opened read-only (`SQLiteStore.openForReading`): the columns of its
/// tables, and their rows a chunk at a time in the order of a key, so that a table of any size
/// is read in bounded memory. `changeCounter()` tells whether another connection wrote
/// meanwhile (a daemon still running on it).
public struct SQLiteStoreReader: Sendable {
    let queue: DatabaseQueue
    public let path: String

    /// The columns of `table`, in their order in the table (empty when there is no such table).
    public func columns(of table: String) async throws -> [String] {
        try await queue.read { db in
            try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.quotedDatabaseIdentifier))").map { $0["name"] }
        }
    }

    /// Up to `limit` rows of `table` (its `columns`, in that order), ordered by `key` (columns
    /// among `columns`, compared as SQLite does: text bytewise), after the row whose key values
    /// are `after` (from the start when nil).
    public func rows(of table: String, columns: [String], key: [String], after: [SQLiteValue]?, limit: Int) async throws -> [[SQLiteValue]] {
        let list = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let keyList = key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        var sql = "SELECT \(list) FROM \(table.quotedDatabaseIdentifier)"
        var arguments: [DatabaseValue] = []
        if let after {
            sql += " WHERE (\(keyList)) > (\(Array(repeating: "?", count: after.count).joined(separator: ", ")))"
            arguments = after.map(\.databaseValue)
        }
        sql += " ORDER BY \(keyList) LIMIT ?"
        arguments.append(limit.databaseValue)
        let query = sql
        let bound = StatementArguments(arguments)
        return try await queue.read { db in
            var rows: [[SQLiteValue]] = []
            let cursor = try Row.fetchCursor(db, sql: query, arguments: bound)
            while let row = try cursor.next() {
                rows.append((0..<row.count).map { SQLiteValue(row[$0] as DatabaseValue) })
            }
            return rows
        }
    }

    /// SQLite's `data_version` of this connection: it changes when any other connection commits.
    public func changeCounter() async throws -> Int64 {
        try await queue.read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}

extension SQLiteValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(number): self = .integer(number)
        case let .double(number): self = .real(number)
        case let .string(text): self = .text(text)
        case let .blob(data): self = .blob([UInt8](data))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case let .integer(number): return number.databaseValue
        case let .real(number): return number.databaseValue
        case let .text(text): return text.databaseValue
        case let .blob(bytes): return Data(bytes).databaseValue
        }
    }
}

import FafangConfig
import FafangCore
import FafangPostgres
import FafangStore
import Foundation
import Logging
import PostgresNIO

/// `fafang migrate --from sqlite:PATH --to postgresql`: a township's whole SQLite store copied
/// into the county's PostgreSQL, every table with its ids, in one PostgreSQL transaction, then
/// checked table by table: a row count and an MD5 computed the same way on both sides from a
/// canonical text of each row (`StoreMigration.Canonical`), the SQLite side in Swift from the
/// rows read, the PostgreSQL side in SQL from the rows stored. Any difference rolls the copy
/// back: either all is copied and checked, or nothing.
///
/// The SQLite file is only read (`SQLiteStore.openForReading`: refused when missing or not at
/// this version's schema). The target must be empty: a migration does not merge stores. The
/// daemon must be stopped on the SQLite side (a write there during the copy aborts it); on the
/// PostgreSQL side the tables are locked against writers until the transaction ends.
public enum StoreMigration {
    /// How a column is held and rendered for the checksum.
    enum Kind {
        /// Text on both sides.
        case text
        /// Integer (SQLite) and integer or bigint (PostgreSQL); money in fen.
        case integer
        /// `yyyy-MM-dd HH:mm:ss.SSS` UTC text (`StoredDate`), `timestamptz`; rendered as integer
        /// microseconds since 1970.
        case instant
        /// `YYYY-MM-DD` text, `date`.
        case date
        /// 0 or 1, `boolean`; rendered `0` or `1`.
        case boolean
        /// JSON text, `jsonb`; rendered as PostgreSQL prints the jsonb (`Canonical.jsonbText`).
        case json
    }

    struct Column {
        let sqlite: String
        let postgres: String
        let kind: Kind

        init(_ name: String, _ kind: Kind = .text, postgres: String? = nil) {
            sqlite = name
            self.postgres = postgres ?? name
            self.kind = kind
        }
    }

    struct Table {
        let name: String
        let columns: [Column]
        /// What rows are read, copied and checksummed in the order of (SQLite names, among `columns`).
        let key: [String]

        /// Whether `id` is a bigserial on PostgreSQL, its sequence set past the copied ids.
        var serial: Bool { key == ["id"] }

        func column(_ sqliteName: String) -> Column? { columns.first { $0.sqlite == sqliteName } }
    }

    /// Every table of the store, every column, in an order that inserts what a row refers to
    /// before the row. Where the names differ (SQLite's v4 migration against PostgreSQL's v1), the
    /// column says so.
    static let tables: [Table] = [
        Table(name: "ledger_entry", columns: [
            Column("id", .integer), Column("bank_reference"), Column("project_code"), Column("payee_id"), Column("amount_fen", .integer),
            Column("paid_on", .date), Column("source"), Column("recorded_by"), Column("recorded_at", .instant),
        ], key: ["id"]),
        Table(name: "ledger_day_total", columns: [
            Column("project_code"), Column("paid_on", .date), Column("amount_fen", .integer), Column("entries", .integer),
        ], key: ["project_code", "paid_on"]),
        Table(name: "emitted_event", columns: [
            Column("key"), Column("kind"), Column("project_code"), Column("emitted_at", .instant), Column("event", .json), Column("problem"),
        ], key: ["key"]),
        Table(name: "approval_batch", columns: [
            Column("id", .integer), Column("project_code"), Column("day", .date), Column("state"), Column("message_count", .integer),
            Column("amount_fen", .integer, postgres: "total_fen"), Column("segments", .integer), Column("created_at", .instant),
            Column("decided_by"), Column("decided_at", .instant), Column("reason"),
        ], key: ["id"]),
        Table(name: "approval_batch_recorder", columns: [
            Column("batch_id", .integer), Column("name", postgres: "recorded_by"),
        ], key: ["batch_id", "name"]),
        Table(name: "outbox", columns: [
            Column("id", .integer), Column("idempotency_key"), Column("event_key"), Column("kind"), Column("project_code"), Column("channel"),
            Column("gateway"), Column("recipient"), Column("recipient_tail"), Column("village"), Column("payee_id"), Column("text"),
            Column("title"), Column("template_parameters"), Column("state"), Column("attempts", .integer), Column("next_attempt_at", .instant),
            Column("lease_owner"), Column("lease_expires_at", .instant), Column("gateway_reference"), Column("last_error"),
            Column("batch_id", .integer), Column("amount_fen", .integer), Column("segments", .integer), Column("recorded_by"),
            Column("created_at", .instant), Column("updated_at", .instant),
        ], key: ["id"]),
        Table(name: "inquiry", columns: [
            Column("id", .integer), Column("intake"), Column("provider_id"), Column("phone"), Column("received_at", .instant),
            Column("outcome"), Column("payees", .integer), Column("outbox_id", .integer),
        ], key: ["id"]),
        Table(name: "delivery_attempt", columns: [
            Column("id", .integer), Column("outbox_id", .integer), Column("number", .integer), Column("started_at", .instant),
            Column("duration_ms", .integer), Column("http_status", .integer), Column("curl_code", .integer), Column("verdict"), Column("detail"),
        ], key: ["id"]),
        Table(name: "delivery_receipt", columns: [
            Column("id", .integer), Column("outbox_id", .integer), Column("received_at", .instant), Column("status"), Column("detail"),
        ], key: ["id"]),
        Table(name: "gateway_state", columns: [
            Column("name"), Column("paused", .boolean), Column("failing_since", .instant), Column("paused_at", .instant), Column("reason"),
            Column("failures", .integer), Column("pause_cause"), Column("next_probe_at", .instant),
        ], key: ["name"]),
        Table(name: "audit_log", columns: [
            Column("id", .integer), Column("at", .instant), Column("actor"), Column("action"), Column("subject"), Column("detail"),
        ], key: ["id"]),
    ]

    /// Rows per INSERT statement (one JSON parameter each).
    public static let defaultChunkSize = 5000

    /// A migration that cannot go ahead, or a problem met on the way; nothing was migrated.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// A row count and an MD5 (lowercase hex) of one side of one table.
    public struct Tally: Sendable, Hashable {
        public var rows: Int
        public var md5: String
    }

    public struct TableCheck: Sendable, Hashable {
        public var table: String
        public var sqlite: Tally
        public var postgres: Tally

        public var equal: Bool { sqlite == postgres }

        /// `outbox: sqlite 12 rows md5 … | postgresql 12 rows md5 … ok`.
        public var line: String {
            "\(table): sqlite \(sqlite.rows) rows md5 \(sqlite.md5) | postgresql \(postgres.rows) rows md5 \(postgres.md5) \(equal ? "ok" : "DIFFERENT")"
        }
    }

    public struct Outcome: Sendable, Hashable {
        public var tables: [TableCheck]
        /// Whether the copy was committed (false: some table differed, and it was rolled back).
        public var committed: Bool

        public var differing: [String] { tables.filter { !$0.equal }.map(\.table) }

        /// The per-table lines, then the verdict.
        public var lines: [String] {
            let verdict = differing.isEmpty
                ? "migrate: \(tables.count) tables, all counts and checksums equal"
                : "migrate: counts or checksums differ in \(differing.joined(separator: ", ")); the copy was rolled back, nothing was migrated"
            return tables.map(\.line) + [verdict]
        }
    }

    /// The PostgreSQL settings of the configuration's `[store]`: the target of `--to postgresql`.
    public static func target(_ settings: Settings, configPath: String) throws -> PostgresSettings {
        guard case let .postgresql(postgres) = settings.store else {
            throw Refusal("--to postgresql: the [store] of \(configPath) is \(settings.store.kindName), not postgresql; set [store] kind = \"postgresql\" (with url_file or url_credential) to the county's database, then migrate")
        }
        return postgres
    }

    /// The whole of `fafang migrate`: the target is the PostgreSQL of the configuration's
    /// `[store]` (refused when it is not postgresql), opened as the daemon opens it (its
    /// connection string from its file or credential, its schema migrated); the source is the
    /// SQLite database at `sqlitePath` (the file, or a state directory holding `fafang.sqlite`),
    /// opened read-only.
    public static func migrate(sqlitePath: String, settings: Settings, configPath: String, logger: Logger,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               configurationDirectory: String? = nil, chunkSize: Int = defaultChunkSize) async throws -> Outcome {
        let postgres = try target(settings, configPath: configPath)
        var path = sqlitePath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            path = (path as NSString).appendingPathComponent(SQLiteStore.fileName)
        }
        let source: SQLiteStoreReader
        do {
            source = try SQLiteStore.openForReading(path: path)
        } catch {
            throw Refusal("\(error)")
        }
        let store = try await StoreOpener.openPostgres(postgres, logger: logger, environment: environment,
                                                       configurationDirectory: configurationDirectory)
        defer { store.close() }
        return try await run(from: source, to: store.client, logger: logger, chunkSize: chunkSize)
    }

    /// Copies every table of `source` into the empty PostgreSQL store of `client` (its schema
    /// applied: `PostgresStore.open` does it), in one transaction, and checks each table. Returns
    /// the checks, committed when all are equal, rolled back when not; throws `Refusal` when the
    /// migration cannot go ahead (a schema it does not know, a target not empty, a value it cannot
    /// read, the SQLite file written meanwhile), with nothing migrated.
    public static func run(from source: SQLiteStoreReader, to client: PostgresClient, logger: Logger,
                           chunkSize: Int = defaultChunkSize) async throws -> Outcome {
        do {
            try await checkColumns(source, client, logger)
        } catch let error as PSQLError {
            throw Refusal("PostgreSQL: \(PostgresStore.describe(error)); nothing was migrated")
        }
        let version = try await source.changeCounter()
        do {
            return try await client.withTransaction(logger: logger) { connection -> Outcome in
                // Daemons already on the county's database wait (reading, they see nothing until the commit).
                try await connection.query("SET LOCAL lock_timeout = '10s'", logger: logger)
                let names = tables.map { quoted($0.name) }.joined(separator: ", ")
                try await connection.query("LOCK TABLE \(unescaped: names) IN EXCLUSIVE MODE", logger: logger)
                try await refuseUnlessEmpty(connection, logger)
                var read: [Tally] = []
                for table in tables {
                    read.append(try await copy(table, from: source, connection, chunkSize: max(1, chunkSize), logger))
                }
                // The console's search table is derived from the outbox, not copied.
                for statement in PostgresSchema.rebuildSearch {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                for table in tables where table.serial {
                    try await connection.query("""
                        SELECT setval(pg_get_serial_sequence(\(table.name), 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(unescaped: quoted(table.name))
                        """, logger: logger)
                }
                var checks: [TableCheck] = []
                for (table, tally) in zip(tables, read) {
                    checks.append(TableCheck(table: table.name, sqlite: tally, postgres: try await stored(table, connection, logger)))
                }
                guard try await source.changeCounter() == version else {
                    throw Refusal("\(source.path) was written to while it was copied (is fafang still running on it? stop it first); nothing was migrated")
                }
                let outcome = Outcome(tables: checks, committed: true)
                if !outcome.differing.isEmpty { throw Differences(outcome: outcome) }
                return outcome
            }
        } catch let error as PostgresTransactionError {
            if let differences = error.closureError as? Differences {
                var outcome = differences.outcome
                outcome.committed = false
                return outcome
            }
            if let inner = error.closureError, !(inner is PSQLError) { throw inner }
            throw Refusal("PostgreSQL: \(PostgresStore.describe(error)); nothing was migrated")
        }
    }

    /// Thrown out of the transaction to roll it back, with what was found.
    struct Differences: Error {
        let outcome: Outcome
    }

    /// Both sides have exactly the columns this migration copies: a column it does not know
    /// would be lost, one it expects and does not find is another schema.
    static func checkColumns(_ source: SQLiteStoreReader, _ client: PostgresClient, _ logger: Logger) async throws {
        var postgres: [String: Set<String>] = [:]
        let rows = try await client.query("""
            SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema()
            """, logger: logger)
        for try await (table, column) in rows.decode((String, String).self) { postgres[table, default: []].insert(column) }
        for table in tables {
            let sqlite = Set(try await source.columns(of: table.name))
            let expected = Set(table.columns.map(\.sqlite))
            guard sqlite == expected else {
                throw Refusal("\(source.path): table \(table.name) has columns \(sqlite.sorted().joined(separator: ", ")), expected \(expected.sorted().joined(separator: ", ")); nothing was migrated")
            }
            let target = postgres[table.name] ?? []
            let wanted = Set(table.columns.map(\.postgres))
            guard target == wanted else {
                throw Refusal("PostgreSQL: table \(table.name) has columns \(target.sorted().joined(separator: ", ")), expected \(wanted.sorted().joined(separator: ", ")); nothing was migrated")
            }
        }
    }

    static func refuseUnlessEmpty(_ connection: PostgresConnection, _ logger: Logger) async throws {
        var holding: [String] = []
        for table in tables {
            for try await rows in try await connection.query("SELECT count(*)::bigint FROM \(unescaped: quoted(table.name))", logger: logger)
                .decode(Int64.self) where rows > 0 {
                holding.append("\(table.name) \(rows)")
            }
        }
        guard holding.isEmpty else {
            throw Refusal("PostgreSQL already holds rows (\(holding.joined(separator: ", "))): a migration goes into an empty store; nothing was migrated")
        }
    }

    /// Copies one table a chunk at a time, each chunk one INSERT of a JSON parameter; returns
    /// the count and checksum of the rows read.
    static func copy(_ table: Table, from source: SQLiteStoreReader, _ connection: PostgresConnection, chunkSize: Int,
                     _ logger: Logger) async throws -> Tally {
        let columns = table.columns.map(\.sqlite)
        let keyIndexes = table.key.compactMap { columns.firstIndex(of: $0) }
        let insert = insertSQL(table)
        // `"name":` of each column in the JSON rows.
        let names = table.columns.map { column -> [UInt8] in
            var name: [UInt8] = []
            Canonical.appendJSONString(column.postgres, to: &name)
            return name + [UInt8(ascii: ":")]
        }
        var checksum = Canonical.TableChecksum()
        var after: [SQLiteValue]?
        var json: [UInt8] = []
        var text: [UInt8] = []
        while true {
            let rows = try await source.rows(of: table.name, columns: columns, key: table.key, after: after, limit: chunkSize)
            guard let last = rows.last else { break }
            json.removeAll(keepingCapacity: true)
            json.append(UInt8(ascii: "["))
            for (index, row) in rows.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json.append(UInt8(ascii: "{"))
                text.removeAll(keepingCapacity: true)
                for position in row.indices {
                    if position > 0 { json.append(UInt8(ascii: ",")) }
                    json += names[position]
                    do {
                        try Canonical.append(row[position], table.columns[position].kind, json: &json, row: &text)
                    } catch {
                        let key = keyIndexes.map { Canonical.describe(row[$0]) }.joined(separator: ", ")
                        throw Refusal("\(source.path): \(table.name).\(table.columns[position].sqlite) of the row \(key): \(error); nothing was migrated")
                    }
                }
                json.append(UInt8(ascii: "}"))
                checksum.add(text)
            }
            json.append(UInt8(ascii: "]"))
            try await connection.query(PostgresQuery(unsafeSQL: insert, binds: bindings(String(decoding: json, as: UTF8.self))), logger: logger)
            after = keyIndexes.map { last[$0] }
            if rows.count < chunkSize { break }
        }
        return checksum.tally
    }

    static func bindings(_ json: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(json)
        return bindings
    }

    /// `INSERT INTO t (…) SELECT … FROM jsonb_to_recordset($1::jsonb) AS r(…)`: instants come as
    /// SQLite's UTC text and are read as UTC, dates as `YYYY-MM-DD`, JSON as text.
    static func insertSQL(_ table: Table) -> String {
        let targets = table.columns.map { quoted($0.postgres) }.joined(separator: ", ")
        let values = table.columns.map { column -> String in
            let field = "r." + quoted(column.postgres)
            switch column.kind {
            case .text, .integer, .boolean: return field
            case .instant: return "(\(field) || '+00')::timestamptz"
            case .date: return "\(field)::date"
            case .json: return "\(field)::jsonb"
            }
        }.joined(separator: ", ")
        let record = table.columns.map { column -> String in
            let type: String
            switch column.kind {
            case .integer: type = "bigint"
            case .boolean: type = "boolean"
            case .text, .instant, .date, .json: type = "text"
            }
            return quoted(column.postgres) + " " + type
        }.joined(separator: ", ")
        return "INSERT INTO \(quoted(table.name)) (\(targets)) SELECT \(values) FROM jsonb_to_recordset($1::jsonb) AS r(\(record))"
    }

    /// The count and checksum of a table as PostgreSQL holds it, computed there.
    static func stored(_ table: Table, _ connection: PostgresConnection, _ logger: Logger) async throws -> Tally {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: checksumSQL(table)), logger: logger)
        for try await (count, md5) in rows.decode((Int64, String).self) { return Tally(rows: Int(count), md5: md5) }
        throw Refusal("PostgreSQL returned no checksum of \(table.name)")
    }

    /// `md5` of the concatenated `md5` of each row's canonical text, in key order (text keys
    /// compared bytewise, as SQLite does): the same computation as `Canonical.TableChecksum`.
    static func checksumSQL(_ table: Table) -> String {
        let fields = table.columns.map { column -> String in
            let name = quoted(column.postgres)
            let text: String
            switch column.kind {
            case .text: text = name
            case .integer: text = "\(name)::text"
            case .instant: text = "(extract(epoch FROM \(name)) * 1000000)::bigint::text"
            case .date: text = "to_char(\(name), 'YYYY-MM-DD')"
            case .boolean: text = "CASE WHEN \(name) THEN '1' ELSE '0' END"
            case .json: text = "\(name)::text"
            }
            return "CASE WHEN \(name) IS NULL THEN '-' ELSE octet_length(\(text))::text || ':' || \(text) END"
        }.joined(separator: " || ")
        let order = table.key.compactMap { key in
            table.column(key).map { $0.kind == .text ? quoted($0.postgres) + " COLLATE \"C\"" : quoted($0.postgres) }
        }.joined(separator: ", ")
        return "SELECT count(*)::bigint, md5(COALESCE(string_agg(md5(\(fields)), '' ORDER BY \(order)), '')) FROM \(quoted(table.name))"
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

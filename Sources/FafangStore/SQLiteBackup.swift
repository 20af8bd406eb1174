import FafangCore
import Foundation
import GRDB

/// Backups of a township's SQLite store, and their restore (`fafang backup`, `fafang restore`,
/// the daily `fafang-backup.timer`).
///
/// A backup is SQLite's online backup API run inside one read transaction of the live database:
/// a consistent snapshot of everything committed before it began, taken while the daemon goes
/// on writing (WAL: readers never block the writer). It is written beside the target as
/// `.partial`, made one self-contained file (journal mode DELETE), checked with
/// `PRAGMA integrity_check`, flushed to disk, and only then renamed into place: a backup file
/// that exists is whole and checked.
public enum SQLiteBackup {
    /// What a backup or a check found: the file, its size, and the rows of each table.
    public struct Report: Sendable, Hashable {
        public var path: String
        public var bytes: Int64
        /// Rows per table, by table name.
        public var rows: [String: Int]
        /// The newest migration the file's schema is at.
        public var schema: String

        /// What the file holds (without its path).
        public var summary: String {
            let outbox = rows["outbox"] ?? 0, ledger = rows["ledger"] ?? 0, attempts = rows["delivery_attempt"] ?? 0
            return "\(bytes) bytes, schema \"\(schema)\", integrity_check ok; \(rows.count) tables, "
                + "\(ledger) ledger rows, \(outbox) messages, \(attempts) attempts"
        }
    }

    /// The name of a backup taken at `instant` in a backup directory: `fafang-20211231T160000Z.sqlite`.
    public static func fileName(at instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "fafang-\(c.year ?? 0)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z.sqlite"
    }

    /// The backups in `directory` (files named as `fileName(at:)` names them), oldest first.
    public static func backups(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("fafang-") && $0.hasSuffix("Z.sqlite") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Copies the database at `source` (the live `fafang.sqlite`, opened read-only) to
    /// `destination`, which must not exist, and checks the copy. Nothing is left at
    /// `destination` unless the copy is whole and passed integrity_check.
    public static func backup(from source: String, to destination: String) throws -> Report {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError(message: "\(destination) exists: a backup never replaces a file")
        }
        let reader = try SQLiteStore.openForReading(path: source)
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            do {
                let copy = try DatabaseQueue(path: partial)
                try reader.queue.backup(to: copy)
                try copy.writeWithoutTransaction { db in
                    _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                }
                try copy.close()
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(message: "\(destination): the backup failed: \(error)")
            }
            var report = try check(partial)
            try Durable.flush(partial)
            try Durable.rename(partial, to: destination)
            report.path = destination
            return report
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// `PRAGMA integrity_check` on the file at `path`, opened read-only (its schema this
    /// version's: `SQLiteStore.openForReading`), and the rows of each table.
    public static func check(_ path: String) throws -> Report {
        let reader = try SQLiteStore.openForReading(path: path)
        do {
            return try reader.queue.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check(20)")
                guard problems == ["ok"] else {
                    throw StoreError(message: "\(path): integrity_check failed: \(problems.prefix(5).joined(separator: "; "))")
                }
                var rows: [String: Int] = [:]
                for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
                    rows[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
                return Report(path: path, bytes: size, rows: rows, schema: SQLiteStore.migrator.migrations.last ?? "")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(message: "\(path): cannot check the database: \(error)")
        }
    }

    /// `PRAGMA quick_check` of the database at `path`, opened read-only so that nothing is
    /// written to a damaged file (not even a WAL recovery); nil when it is sound or absent, else
    /// what SQLite found.
    public static func damage(at path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            return problems == ["ok"] ? nil : problems.joined(separator: "; ")
        } catch {
            return "\(error)"
        }
    }

    /// What a restore did.
    public struct Restored: Sendable, Hashable {
        public var report: Report
        /// Where the database it replaced was kept (with its -wal and -shm beside it), nil when
        /// there was none.
        public var kept: String?
    }

    /// Replaces the database of `directory` with the backup `file`, which must pass `check`.
    /// The caller holds the state directory's `StateLock` (no daemon runs on it). The database
    /// replaced is renamed, never deleted: `fafang.sqlite.replaced-STAMP` (its -wal and -shm
    /// renamed alike). The copy is made as `.partial`, flushed and renamed into place, owned by
    /// the state directory's owner (a restore run as root leaves the daemon's user a database
    /// it can write).
    public static func restore(_ file: String, into directory: String, now: Date) throws -> Restored {
        var report = try check(file)
        let manager = FileManager.default
        let target = (directory as NSString).appendingPathComponent(SQLiteStore.fileName)
        var kept: String?
        if manager.fileExists(atPath: target) {
            let stamp = String(fileName(at: now).dropFirst("fafang-".count).dropLast(".sqlite".count))
            let keep = target + ".replaced-" + stamp
            for suffix in ["-wal", "-shm", ""] where manager.fileExists(atPath: target + suffix) {
                try Durable.rename(target + suffix, to: keep + suffix)
            }
            kept = keep
        }
        let partial = target + ".partial"
        try? manager.removeItem(atPath: partial)
        do {
            try manager.copyItem(atPath: file, toPath: partial)
            if let owner = try? manager.attributesOfItem(atPath: directory) {
                var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
                if getuid() == 0 {
                    attributes[.ownerAccountID] = owner[.ownerAccountID]
                    attributes[.groupOwnerAccountID] = owner[.groupOwnerAccountID]
                }
                try manager.setAttributes(attributes, ofItemAtPath: partial)
            }
            try Durable.flush(partial)
            try Durable.rename(partial, to: target)
        } catch {
            try? manager.removeItem(atPath: partial)
            throw StoreError(message: "\(target): the restore failed (\(error)); the database it replaced is \(kept ?? "none")")
        }
        report.path = target
        return Restored(report: report, kept: kept)
    }

    /// Removes the oldest backups of `directory` beyond the newest `keep`; returns those removed.
    public static func prune(_ directory: String, keep: Int) throws -> [String] {
        let all = backups(in: directory)
        guard all.count > keep else { return [] }
        let old = Array(all.prefix(all.count - keep))
        for path in old { try FileManager.default.removeItem(atPath: path) }
        return old
    }
}

/// Writes that survive a crash: a file's data flushed before it is renamed, and the rename
/// flushed in its directory.
enum Durable {
    static func flush(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StoreError(message: "\(path): cannot open to flush: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError(message: "\(path): fsync failed: \(String(cString: strerror(errno)))") }
    }

    static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            throw StoreError(message: "cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
        let directory = (to as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}

/// The state directory's lock (`fafang.lock`, `flock`): the daemon holds it while it runs on the
/// SQLite store, and `fafang restore` takes it, so that neither happens during the other. The
/// file holds the holder's pid, for the message of whoever is refused. The kernel drops the lock
/// when the holder dies, however it dies.
public final class StateLock: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    public struct Held: Error, CustomStringConvertible {
        public var path: String
        public var pid: String?
        public var description: String {
            "\(path) is held" + (pid.map { " by pid \($0)" } ?? "") + ": fafang run is running on this state directory"
        }
    }

    /// Takes the lock of `directory` (created if missing), or throws `Held` at once.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("fafang.lock")
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError(message: "\(path): cannot open: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let pid = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Held(path: path, pid: pid.flatMap { $0.isEmpty ? nil : $0 })
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        close(fd)
    }
}

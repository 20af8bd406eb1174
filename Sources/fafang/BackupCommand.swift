import ArgumentParser
import FafangConfig
import FafangCore
import FafangStore
import Foundation

/// `fafang backup`: an online, checked copy of the SQLite store (`SQLiteBackup`), while the
/// daemon runs.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite store while the daemon runs, then check the copy (integrity_check).",
        discussion: """
            The copy is a consistent snapshot of everything committed before it began (SQLite's online backup API in one \
            read transaction); the daemon goes on sending meanwhile. It is written as FILE.partial, checked, flushed and \
            only then renamed to FILE. Without --to it goes to the backup directory ([paths] backup_directory) as \
            fafang-YYYYMMDDTHHMMSSZ.sqlite; --keep N then removes all but the newest N there (fafang-backup.timer runs \
            this daily). On PostgreSQL the database is backed up with pg_dump (README, "Backups"): refused here.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The backup file to write (must not exist). Default: a new file in the backup directory.")
    var to: String?

    @Option(help: "With the backup directory: keep only the newest N backups there.")
    var keep: Int?

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
        if keep != nil, to != nil { throw ValidationError("--keep prunes the backup directory: use it without --to") }
    }

    func run() throws {
        let settings = try options.load().settings
        guard case .sqlite = settings.store else {
            StandardError.print("backup: [store] is \(settings.store.kindName): back the county's database up with pg_dump (README, \"Backups\"); Fafang owns no backup there")
            throw ExitCode(1)
        }
        let source = (settings.stateDirectory as NSString).appendingPathComponent(SQLiteStore.fileName)
        let destination: String
        if let to {
            destination = to
        } else {
            do {
                try FileManager.default.createDirectory(atPath: settings.backupDirectory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                StandardError.print("backup: \(settings.backupDirectory): cannot create the backup directory: \(error)")
                throw ExitCode(1)
            }
            destination = (settings.backupDirectory as NSString).appendingPathComponent(SQLiteBackup.fileName(at: Date()))
        }
        let started = ContinuousClock.now
        do {
            let report = try SQLiteBackup.backup(from: source, to: destination)
            print("backup: \(report.path): \(report.summary) (\(started.duration(to: .now).formatted(.units(allowed: [.seconds, .milliseconds]))))")
            if let keep {
                for removed in try SQLiteBackup.prune(settings.backupDirectory, keep: keep) { print("backup: removed \(removed) (--keep \(keep))") }
            }
        } catch {
            StandardError.print("backup: \(error)")
            throw ExitCode(1)
        }
    }
}

/// `fafang restore FILE`: a checked backup in place of the SQLite store, the daemon stopped.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place of the SQLite store (refused while fafang run runs on it); the store replaced is kept.",
        discussion: """
            FILE must pass integrity_check and be at this version's schema (an older backup: restore it with the fafang that \
            wrote it, then upgrade). The state directory's lock (fafang.lock, which fafang run holds) is taken first, so a \
            running daemon refuses the restore and a daemon cannot start during it. The database replaced is renamed to \
            fafang.sqlite.replaced-STAMP (with its -wal and -shm), never deleted. The restored file gets the state \
            directory's owner, so run it as root: systemctl stop fafang && fafang restore FILE && systemctl start fafang.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The backup file (fafang backup's).")
    var file: String

    func run() throws {
        let settings = try options.load().settings
        guard case .sqlite = settings.store else {
            StandardError.print("restore: [store] is \(settings.store.kindName): restore the county's database with pg_restore (README, \"Backups\")")
            throw ExitCode(1)
        }
        let lock: StateLock
        do {
            lock = try StateLock(directory: settings.stateDirectory)
        } catch let held as StateLock.Held {
            StandardError.print("restore: refused: \(held); stop it first (systemctl stop fafang)")
            throw ExitCode(1)
        } catch {
            StandardError.print("restore: \(error)")
            throw ExitCode(1)
        }
        do {
            let restored = try withExtendedLifetime(lock) { try SQLiteBackup.restore(file, into: settings.stateDirectory, now: Date()) }
            print("restore: \(file) checked: \(restored.report.summary)")
            print("restore: \(restored.report.path) is now that backup" + (restored.kept.map { "; the database it replaced is kept as \($0)" } ?? ""))
        } catch {
            StandardError.print("restore: \(error)")
            throw ExitCode(1)
        }
    }
}

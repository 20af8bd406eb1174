import ArgumentParser
import FafangCore
import FafangStore
import FafangTestSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench backup`: issue 14's backup, restore and damaged-store checks, through the real
/// binary. A daemon sends `--messages` webhooks to a slow local sink; while it sends,
/// `fafang backup` copies the store. Then:
/// - every row of `outbox` and `delivery_attempt` committed before the backup began is in the
///   copy, the attempts byte for byte;
/// - the sink went on receiving during the backup (it is online);
/// - `fafang restore` is refused while the daemon runs, and once it is stopped puts the copy in
///   place (integrity_check passed) and keeps the database it replaced;
/// - a copy of the store with bytes overwritten is refused by `fafang run`, naming the newest
///   backup, and is not written to (same bytes, no -wal made).
struct BackupTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back the store up while the daemon sends; check the copy, the restore, and a damaged store's refusal.")

    @Option(help: "Messages in the outbox at the start.") var messages = 10_000
    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "The Templates folder.") var templates = "Templates"
    @Option(help: "Milliseconds the sink takes to answer, so that sending lasts through the backup.") var sinkMilliseconds = 2

    struct Failed: Error, CustomStringConvertible { var description: String }

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
        let templatesPath = templates.hasPrefix("/") ? templates : FileManager.default.currentDirectoryPath + "/" + templates
        let root = NSTemporaryDirectory() + "fafang-backup-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let received = Atomic<Int>(0)
        let pause = useconds_t(max(0, sinkMilliseconds) * 1000)
        let sink = try LoopbackServer(recordingRequests: false) { _ in
            if pause > 0 { usleep(pause) }
            received.add(1, ordering: .relaxed)
            return .status(200)
        }
        defer { sink.stop() }
        try CrashConfig.write(root: root, sinkURL: sink.baseURL + "/hook", templates: templatesPath, concurrency: 4)
        let database = root + "/state/" + SQLiteStore.fileName
        do {
            let store = try SQLiteStore.open(directory: root + "/state")
            try await CrashConfig.fill(store, messages: messages, prefix: "backup")
        }
        print("backup test: \(messages) messages, sink \(sink.baseURL) (\(sinkMilliseconds) ms an answer)")

        let daemon = try Self.launch(binary, ["run", "--config", root, "--log-level", "error"])
        var daemonRunning = true
        defer { if daemonRunning { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() } }
        try await Self.until("the daemon to send a fifth of the messages", seconds: 120) { received.load(ordering: .relaxed) >= messages / 5 }

        // Everything committed before the backup begins.
        let before = try await Self.rows(database)
        let sentBefore = received.load(ordering: .relaxed)
        let backup = try runProgram(binary, ["backup", "--config", root])
        let sentAfter = received.load(ordering: .relaxed)
        guard backup.status == 0 else { throw Failed(description: "fafang backup failed: \(backup.output)") }
        print("  \(backup.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        guard let written = SQLiteBackup.backups(in: root + "/state/backups").last else { throw Failed(description: "no backup in \(root)/state/backups") }
        let copy = try await Self.rows(written)
        let missingMessages = before.messages.subtracting(copy.messages)
        let missingAttempts = before.attempts.subtracting(copy.attempts)
        print("  before the backup: \(before.messages.count) messages, \(before.attempts.count) attempts; in the copy: \(copy.messages.count) messages, \(copy.attempts.count) attempts; missing \(missingMessages.count) messages, \(missingAttempts.count) attempts")
        print("  the sink received \(sentAfter - sentBefore) messages while the backup ran (\(sentBefore) before it)")
        guard missingMessages.isEmpty, missingAttempts.isEmpty else { throw Failed(description: "rows committed before the backup are missing from it") }
        guard sentAfter > sentBefore || received.load(ordering: .relaxed) >= messages else {
            throw Failed(description: "nothing was sent while the backup ran: was the daemon blocked?")
        }

        let refused = try runProgram(binary, ["restore", "--config", root, written])
        print("  restore while the daemon runs: exit \(refused.status): \(refused.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        guard refused.status != 0, refused.output.contains("fafang.lock is held") else { throw Failed(description: "restore was not refused while the daemon ran") }

        try await Self.until("the daemon to deliver everything", seconds: 300) { received.load(ordering: .relaxed) >= messages }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        daemonRunning = false
        let restored = try runProgram(binary, ["restore", "--config", root, written])
        print("  \(restored.output.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "\n  "))")
        guard restored.status == 0 else { throw Failed(description: "fafang restore failed") }
        let back = try await Self.rows(database)
        guard back == copy else { throw Failed(description: "the restored store differs from the backup") }
        let kept = try FileManager.default.contentsOfDirectory(atPath: root + "/state").filter { $0.hasPrefix(SQLiteStore.fileName + ".replaced-") }
        guard !kept.isEmpty else { throw Failed(description: "the database replaced was not kept") }
        print("  restored: \(back.messages.count) messages, \(back.attempts.count) attempts, as in the backup; kept \(kept.sorted().joined(separator: ", "))")

        // A damaged store: a copy of the backup with 8 KiB overwritten in its middle pages, the
        // backup itself in its backup directory.
        let damagedRoot = root + "/damaged"
        try FileManager.default.createDirectory(atPath: damagedRoot + "/state/backups", withIntermediateDirectories: true)
        try CrashConfig.write(root: damagedRoot, sinkURL: sink.baseURL + "/hook", templates: templatesPath)
        let damaged = damagedRoot + "/state/" + SQLiteStore.fileName
        let newest = damagedRoot + "/state/backups/" + (written as NSString).lastPathComponent
        try FileManager.default.copyItem(atPath: written, toPath: newest)
        try FileManager.default.copyItem(atPath: written, toPath: damaged)
        try overwriteMiddlePages(of: damaged)
        let damagedBytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        let start = try runProgram(binary, ["run", "--config", damagedRoot, "--log-level", "error"])
        print("  fafang run on a damaged store: exit \(start.status): \(start.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        guard start.status != 0, start.output.contains("is damaged"), start.output.contains("fafang restore " + newest) else {
            throw Failed(description: "the damaged store was not refused with the newest backup named")
        }
        // The operator's commands open the store too (opening writes: a WAL replayed, migrations).
        for arguments in [["status"], ["outbox", "retry", "1"], ["ledger", "list"]] {
            let refused = try runProgram(binary, arguments + ["--config", damagedRoot])
            guard refused.status != 0, refused.output.contains("fafang \(arguments.prefix(2).joined(separator: " ")): "), refused.output.contains("is damaged"),
                  refused.output.contains("fafang restore " + newest) else {
                throw Failed(description: "fafang \(arguments.joined(separator: " ")) did not refuse the damaged store: exit \(refused.status): \(refused.output)")
            }
        }
        print("  fafang status, outbox retry, ledger list on it: refused alike")
        let unchanged = try Data(contentsOf: URL(fileURLWithPath: damaged)) == damagedBytes
        let wal = FileManager.default.fileExists(atPath: damaged + "-wal")
        guard unchanged, !wal else { throw Failed(description: "the damaged store was written to (changed: \(!unchanged), -wal: \(wal))") }
        print("backup test result: ok: 0 rows committed before the backup missing, \(sentAfter - sentBefore) sent during it; restore refused while running, then restored; the damaged store refused by run and the commands, unchanged, no -wal")
    }

    /// The outbox's ids with their keys, and every attempt row whole.
    struct Rows: Equatable {
        var messages: Set<[SQLiteValue]>
        var attempts: Set<[SQLiteValue]>
    }

    static func rows(_ path: String) async throws -> Rows {
        let reader = try SQLiteStore.openForReading(path: path)
        func all(_ table: String, _ columns: [String], key: [String]) async throws -> Set<[SQLiteValue]> {
            var rows: Set<[SQLiteValue]> = []
            var after: [SQLiteValue]?
            while true {
                let chunk = try await reader.rows(of: table, columns: columns, key: key, after: after, limit: 5_000)
                rows.formUnion(chunk)
                guard let last = chunk.last, chunk.count == 5_000 else { return rows }
                after = key.map { last[columns.firstIndex(of: $0)!] }
            }
        }
        let attemptColumns = try await reader.columns(of: "delivery_attempt")
        let attemptKey = ["outbox_id", "number"].filter(attemptColumns.contains)
        return Rows(messages: try await all("outbox", ["id", "idempotency_key"], key: ["id"]),
                    attempts: try await all("delivery_attempt", attemptColumns, key: attemptKey.isEmpty ? [attemptColumns[0]] : attemptKey))
    }

    static func until(_ what: String, seconds: Double, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw Failed(description: "timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func launch(_ binary: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

}

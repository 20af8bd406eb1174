import ArgumentParser
import FafangCore
import FafangDelivery
import FafangStore
import FafangTestSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench diskfull`: issue 14's disk-full check, through the real binary on a real full
/// filesystem. The state directory is a small tmpfs of its own; while `fafang run` sends
/// `--messages` webhooks to a local sink, a file fills what is left of it. Then:
/// - the daemon stays up, and says so: STATUS= (caught on a NOTIFY_SOCKET of our own) begins
///   `STORE FULL`, `/metrics` has `fafang_store_out_of_space 1` and `fafang_state_disk_low 1`
///   (`low_space_mib = 16`: 12 MiB are left from the start, and the office's endpoint is told
///   once; 0 after), the log says why;
/// - it stops sending (nothing reaches the sink across several of its failed tries), and a
///   delivery report it cannot record is answered 503 with Retry-After;
/// - once the file is removed it resumes by itself: every message reaches the sink exactly once
///   and is recorded sent or delivered with one attempt; the database passes integrity_check.
struct DiskFullTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diskfull",
        abstract: "Fill the state directory's filesystem while the daemon sends; check it holds, tells, and resumes when space is freed (root: mounts a tmpfs).")

    @Option(help: "Messages in the outbox at the start.") var messages = 10_000
    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "The Templates folder.") var templates = "Templates"
    @Option(help: "Size of the tmpfs the state directory is, in MiB.") var sizeMegabytes = 64
    @Option(help: "Milliseconds the sink takes to answer.") var sinkMilliseconds = 1

    struct Failed: Error, CustomStringConvertible { var description: String }

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
        guard getuid() == 0 else { throw Failed(description: "diskfull mounts a tmpfs: run it as root (make test does)") }
        let templatesPath = templates.hasPrefix("/") ? templates : FileManager.default.currentDirectoryPath + "/" + templates
        let root = NSTemporaryDirectory() + "fafang-diskfull-" + UUID().uuidString
        let state = root + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        guard Self.shell("mount", ["-t", "tmpfs", "-o", "size=\(sizeMegabytes)m,mode=0700", "fafang-diskfull", state]) == 0 else {
            throw Failed(description: "could not mount a tmpfs on \(state)")
        }
        defer { _ = Self.shell("umount", [state]) }

        let received = Mutex<[String: Int]>([:])
        // The finance office's endpoint: its alerts' texts.
        let office = Mutex<[String]>([])
        let pause = useconds_t(max(0, sinkMilliseconds) * 1000)
        let sink = try LoopbackServer(recordingRequests: false) { request in
            if request.path == "/office" {
                office.withLock { $0.append(request.bodyText) }
                return .status(200)
            }
            if pause > 0 { usleep(pause) }
            let key = request.header("webhook-id") ?? "?"
            received.withLock { $0[key, default: 0] += 1 }
            return .status(200)
        }
        defer { sink.stop() }
        func reached() -> Int { received.withLock { $0.count } }
        let port = try freePort()
        let token = "diskfull-" + UUID().uuidString
        // The warning before it is full: below 16 MiB free of the tmpfs.
        try CrashConfig.write(root: root, sinkURL: sink.baseURL + "/hook", templates: templatesPath, paths: "low_space_mib = 16", extra: """

            [endpoints.finance-office]
            kind = "webhook"
            url = "\(sink.baseURL)/office"
            secret_file = "sink.whsec"

            [admin]
            listen = "127.0.0.1:\(port)"
            token_file = "admin-token"
            """, concurrency: 4)
        try (token + "\n").write(toFile: root + "/admin-token", atomically: true, encoding: .utf8)
        do {
            let store = try SQLiteStore.open(directory: state)
            try await CrashConfig.fill(store, messages: messages, prefix: "full")
        }
        print("diskfull test: \(messages) messages, state on a \(sizeMegabytes) MiB tmpfs, sink \(sink.baseURL)")

        // Leave 12 MiB: below the warning's 16 (the office is told while it can still be), and
        // room for what the run writes before the fill.
        let nearly = state + "/nearly"
        let free = (try FileManager.default.attributesOfFileSystem(forPath: state)[.systemFreeSize] as? NSNumber)?.int64Value ?? 0
        try Data(count: Int(max(0, free - 12 * 1024 * 1024))).write(to: URL(fileURLWithPath: nearly))

        let notify = try NotifySocket()
        defer { notify.close() }
        let daemon = try BenchChild.spawn(binary, ["run", "--config", root, "--log-level", "notice"],
                                          environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000"],
                                          stdout: root + "/daemon.out", stderr: root + "/daemon.err")
        var running = true
        defer { if running { kill(daemon.pid, SIGKILL); _ = daemon.wait() } }
        func alive() -> Bool { !BenchChild.isZombie(daemon.pid) }
        guard await notify.wait(timeout: .seconds(60), while: alive, { $0.contains { $0.contains("READY=1") } }) else {
            throw Failed(description: "the daemon did not become ready: \(Self.tail(root + "/daemon.err"))")
        }
        try await BackupTest.until("the daemon to send a tenth of the messages", seconds: 120) { reached() >= messages / 10 }
        let engine = try CurlEngine()
        defer { Task { await engine.shutdown() } }
        func get(_ path: String) async throws -> HTTPResponse {
            try await engine.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)" + path, headers: [], body: [])).result.get()
        }
        /// The values of the unlabelled gauges `names` as /metrics says now (nil: not there).
        func metrics(_ names: [String]) async throws -> [Double?] {
            let lines = try await get("/metrics").bodyText.split(separator: "\n")
            return names.map { name in
                lines.first { $0.hasPrefix(name + " ") }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
            }
        }
        /// `fafang_state_disk_low` and `fafang_state_disk_available_bytes`.
        func disk() async throws -> (low: Double?, available: Double?) {
            let values = try await metrics(["fafang_state_disk_low", "fafang_state_disk_available_bytes"])
            return (values[0], values[1])
        }
        let before = try await disk()
        guard before.low == 1, let available = before.available, available < 16 * 1024 * 1024 else {
            throw Failed(description: "with 12 MiB left /metrics does not say the disk is low: \(before)")
        }

        // Then fill the filesystem: what the daemon writes next finds no space.
        let filler = state + "/filler"
        let filled = try fillFileSystem(with: filler)
        let atFull = reached()
        print("  filled the tmpfs with \(filled / 1024) KiB after \(atFull) messages reached the sink")
        guard await notify.wait(timeout: .seconds(60), while: alive, { $0.contains { $0.contains("STATUS=STORE FULL") } }) else {
            throw Failed(description: "STATUS never said STORE FULL (alive: \(alive())): \(Self.tail(root + "/daemon.err"))")
        }
        let status = notify.all.map(\.text).last { $0.contains("STORE FULL") }.flatMap { $0.split(separator: "\n").first { $0.hasPrefix("STATUS=") } } ?? ""
        print("  \(status)")

        // It stopped: once the sends in flight when it found out are done (a second), nothing
        // more reaches the sink across 3 s (six of its tries to write again).
        try await Task.sleep(for: .seconds(1))
        let stoppedAt = reached()
        let whileFull = try await disk()
        let outOfSpace = try await metrics(["fafang_store_out_of_space"])[0]
        let metricsLine = "fafang_store_out_of_space \(outOfSpace.map { "\($0)" } ?? "absent")"
        let healthz = try await get("/healthz").bodyText
        var answers: [Int] = []
        var retryAfter: String?
        for key in received.withLock({ Array($0.keys.sorted().prefix(50)) }) {
            let answer = try await get("/receipts/kannel?id=\(key)&type=1&token=\(token)&reply=" + String(repeating: "x", count: 280))
            answers.append(answer.status)
            if answer.status == 503 {
                retryAfter = answer.headers.first { $0.name.lowercased() == "retry-after" }?.value
                break
            }
        }
        try await Task.sleep(for: .seconds(3))
        let afterWait = reached()
        print("  while full: \(afterWait - stoppedAt) more reached the sink in 3 s (\(stoppedAt) in all); \(metricsLine); /healthz \(healthz)")
        print("  delivery reports: \(answers.map(String.init).joined(separator: " ")) (Retry-After: \(retryAfter ?? "none"))")
        guard alive() else { throw Failed(description: "the daemon died with the disk full: \(Self.tail(root + "/daemon.err"))") }
        guard afterWait == stoppedAt, stoppedAt < messages else { throw Failed(description: "the daemon went on sending with the disk full") }
        guard outOfSpace == 1 else { throw Failed(description: "/metrics did not say the store is out of space") }
        guard retryAfter == "60" else { throw Failed(description: "no receipt was answered 503 with Retry-After: 60") }
        let log = (try? String(contentsOfFile: root + "/daemon.err", encoding: .utf8)) ?? ""
        guard log.contains("the database cannot be written: no space left") else { throw Failed(description: "the log does not say the disk is full") }
        print("  the warning before it: fafang_state_disk_low \(before.low ?? -1) with \(Int(available) >> 20) MiB free, \(whileFull.low ?? -1) with \(Int(whileFull.available ?? -1) >> 20) MiB free")
        guard whileFull.low == 1, (whileFull.available ?? .infinity) < 16 * 1024 * 1024 else {
            throw Failed(description: "/metrics did not say the disk is low: \(whileFull)")
        }
        guard log.contains("the state directory's disk is nearly full") else { throw Failed(description: "the log does not warn that the disk is nearly full") }

        // Space freed: it resumes by itself and sends the rest.
        try FileManager.default.removeItem(atPath: filler)
        try FileManager.default.removeItem(atPath: nearly)
        let freed = ContinuousClock.now
        try await BackupTest.until("every message to reach the sink after space was freed", seconds: 300) { reached() >= messages }
        let resumeSeconds = (ContinuousClock.now - freed).seconds
        // The office's alert, enqueued at the start behind the messages already due.
        try await BackupTest.until("the office's alert that the disk is nearly full", seconds: 60) { !office.withLock { $0.isEmpty } }
        let alert = office.withLock { $0 }
        guard alert.count == 1, let told = alert.first, let title = told.range(of: "【服务器磁盘空间不足】") else {
            throw Failed(description: "the office was not told once that the disk is nearly full: \(alert)")
        }
        print("  12 MiB left at the start: the office's endpoint was told once: \(told[title.lowerBound...].prefix(24))…")
        guard await notify.wait(timeout: .seconds(30), while: alive, { texts in
            guard let full = texts.lastIndex(where: { $0.contains("STORE FULL") }) else { return false }
            return texts[(full + 1)...].contains { $0.contains("STATUS=pending") }
        }) else { throw Failed(description: "STATUS still says STORE FULL") }
        guard try await disk().low == 0 else { throw Failed(description: "/metrics still says the disk is low after space was freed") }
        kill(daemon.pid, SIGTERM)
        let exit = daemon.wait()
        running = false
        guard exit.status == 0 else { throw Failed(description: "the daemon exited \(exit.status) on SIGTERM") }
        let finalLog = (try? String(contentsOfFile: root + "/daemon.err", encoding: .utf8)) ?? ""
        guard finalLog.contains("space freed: the database is written again") else { throw Failed(description: "the log does not say space was freed") }
        guard finalLog.contains("the state directory's disk has space again") else { throw Failed(description: "the log does not say the disk has space again") }

        let twice = received.withLock { $0.filter { $0.value > 1 }.count }
        let report = try SQLiteBackup.check(state + "/" + SQLiteStore.fileName)
        let reader = try SQLiteStore.openForReading(path: state + "/" + SQLiteStore.fileName)
        var rows: [[SQLiteValue]] = []
        var after: [SQLiteValue]?
        while true {
            let chunk = try await reader.rows(of: "outbox", columns: ["id", "state", "attempts", "kind"], key: ["id"], after: after, limit: 5_000)
            // The bench's messages, not the office's alert.
            rows += chunk.filter { $0[3] != .text("disk_low") }
            guard let last = chunk.last, chunk.count == 5_000 else { break }
            after = [last[0]]
        }
        let settled = rows.filter { ($0[1] == .text("sent") || $0[1] == .text("delivered")) && $0[2] == .integer(1) }.count
        print("  space freed: all \(messages) reached the sink \(String(format: "%.1f", resumeSeconds)) s later; \(twice) sent twice; \(settled) of \(rows.count) recorded sent or delivered with one attempt; \(report.summary)")
        guard twice == 0 else { throw Failed(description: "\(twice) messages were sent twice") }
        guard rows.count == messages, settled == messages else { throw Failed(description: "rows lost or not recorded: \(settled) of \(rows.count) sent once, \(messages) made") }
        print("diskfull test result: ok: alive throughout, stopped and said so (STATUS, metrics, log, 503), 0 rows lost, resumed on its own, each message sent once")
    }

    static func shell(_ command: String, _ arguments: [String]) -> Int32 { (try? runProgram("/usr/bin/env", [command] + arguments))?.status ?? -1 }

    static func tail(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }
}

import ArgumentParser
import FafangCore
import FafangPostgres
import FafangStore
import FafangTestSupport
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench outbox`: the same outbox worked off by `fafang run` on SQLite, and by 1, 2
/// and 3 daemons sharing one PostgreSQL (a private cluster), each message one signed webhook
/// POST to the same loopback sink: messages per second, and CPU per message of the daemons
/// and of the database server. One run, so the figures compare as ratios.
struct OutboxBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Messages/s and CPU per message: SQLite, and 1, 2, 3 daemons on one PostgreSQL.")

    @Option(help: "Messages per setup.") var messages = 20_000
    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "The Templates folder.") var templates = "Templates"
    @Option(help: "Daemon counts on PostgreSQL, comma-separated.") var daemons = "1,2,3"
    @Option(help: "Seconds a setup may take.") var timeout = 600.0
    @Option(help: "[dispatch] batch_size of the daemons.") var batchSize = 200
    @Option(help: "The daemons' --log-level (their standard error is kept and shown for a daemon that does not stop).") var daemonLogLevel = "error"
    @Flag(help: "Print the statements that took the database server's time (pg_stat_statements).") var statements = false
    @Option(help: "[dispatch] concurrency of the daemons (sends at once).") var concurrency = 32
    @Option(help: "The PyPI peer's script (pgqueuer; make setup installs it); empty to leave it out.")
    var peer = "scripts/pgqueuer-peer.py"

    struct Figures {
        var setup: String
        var seconds: Double
        var daemonCPU: Double
        var serverCPU: Double?
    }

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
        let counts = daemons.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        let templatesPath = (templates as NSString).standardizingPath.hasPrefix("/") ? templates
            : FileManager.default.currentDirectoryPath + "/" + templates
        let sink = try LoopbackServer(recordingRequests: false) { _ in .status(200) }
        defer { sink.stop() }
        let harness = try PostgresHarness(extraOptions: statements ? "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" : "")
        defer { harness.stop() }
        print("outbox bench: \(messages) messages per setup, one signed webhook POST each to \(sink.baseURL) (in this process); "
              + "[dispatch] batch_size \(batchSize), concurrency \(concurrency)")
        print("  PostgreSQL: a private cluster on 127.0.0.1:\(harness.port), fsync off (the same server for every setup)")

        var results: [Figures] = []
        results.append(try await measure("SQLite, 1 daemon", binary: binary, templates: templatesPath, sink: sink, harness: nil, daemons: 1))
        for count in counts {
            results.append(try await measure("PostgreSQL, \(count) daemon\(count == 1 ? "" : "s")", binary: binary, templates: templatesPath,
                                             sink: sink, harness: harness, daemons: count))
        }
        if statements {
            try harness.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", database: "bench_1")
            print(try harness.psql("""
                SELECT round(total_exec_time::numeric, 0) || ' ms exec, ' || round(total_plan_time::numeric, 0) || ' ms plan, ' || calls || ' calls: '
                    || left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
                FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 12
                """, database: "bench_1"))
        }
        if !peer.isEmpty {
            results.append(try await measurePeer(sink: sink, harness: harness))
        }
        let base = results.first { $0.setup.hasPrefix("PostgreSQL, 1 ") } ?? results[0]
        for figures in results {
            let rate = Double(messages) / figures.seconds
            let server = figures.serverCPU.map { String(format: ", database server %.0f µs", $0 / Double(messages) * 1e6) } ?? ""
            let name = figures.setup.padding(toLength: 34, withPad: " ", startingAt: 0)
            print(name + String(format: "%8.0f messages/s (%5.2fx PostgreSQL×1)  CPU per message: workers %.0f µs", rate,
                                base.seconds / figures.seconds, figures.daemonCPU / Double(messages) * 1e6) + server)
        }
    }

    private func measure(_ setup: String, binary: String, templates: String, sink: LoopbackServer, harness: PostgresHarness?,
                         daemons: Int) async throws -> Figures {
        let root = NSTemporaryDirectory() + "fafang-outbox-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var extra = ""
        let store: any Store
        if let harness {
            let database = "bench_\(daemons)"
            try harness.createDatabase(database)
            try (harness.url(database: database) + "\n").write(toFile: root + "/pg-url", atomically: true, encoding: .utf8)
            extra = "\n[store]\nkind = \"postgresql\"\nurl_file = \"pg-url\"\ntls = \"disable\"\npool_size = 8\n"
            store = try await PostgresStore.open(url: harness.url(database: database), settings: PostgresSettings(url: .file(""), tls: .disable),
                                                 logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        } else {
            store = try SQLiteStore.open(directory: root + "/state")
        }
        defer { (store as? PostgresStore)?.close() }
        try CrashConfig.write(root: root, sinkURL: sink.baseURL + "/hook", templates: templates, extra: extra, batchSize: batchSize,
                              concurrency: concurrency)
        try await CrashConfig.fill(store, messages: messages, prefix: "bench")
        let before = sink.statistics.requests
        let serverBefore = harness.flatMap { Self.serverCPU($0) }
        let started = ContinuousClock.now
        let children = try (0..<daemons).map { index in
            try BenchChild.spawn(binary, ["run", "--config", root, "--log-level", daemonLogLevel],
                                 stdout: root + "/out-\(index).log", stderr: root + "/err-\(index).log")
        }
        let done = await sink.waitUntil(timeout: .seconds(timeout)) { [messages] in $0.requests - before >= messages }
        let elapsed = (ContinuousClock.now - started).seconds
        for child in children { kill(child.pid, SIGTERM) }
        // A daemon must stop on SIGTERM; one that has not after 40 s (its own limit is 25) is
        // killed and its log shown.
        for (index, child) in children.enumerated() {
            let deadline = ContinuousClock.now + .seconds(40)
            while !BenchChild.isZombie(child.pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if !BenchChild.isZombie(child.pid) {
                kill(child.pid, SIGKILL)
                let log = ((try? String(contentsOfFile: root + "/err-\(index).log", encoding: .utf8)) ?? "").suffix(3000)
                print("  \(setup): daemon \(index + 1) did not stop within 40 s of SIGTERM; killed. Its log ends:\n\(log)")
            }
        }
        let daemonCPU = children.map { $0.wait().cpuSeconds }.reduce(0, +)
        guard done else { throw BenchError("\(setup): only \(sink.statistics.requests - before) of \(messages) messages arrived in \(timeout) s") }
        var serverCPU: Double?
        if let harness, let serverBefore {
            // The daemons' backends end with them; their CPU is the postmaster's once reaped.
            try await Self.waitForBackendsToEnd(harness)
            serverCPU = Self.serverCPU(harness).map { $0 - serverBefore }
        }
        return Figures(setup: setup, seconds: elapsed, daemonCPU: daemonCPU, serverCPU: serverCPU)
    }

    /// pgqueuer working off the same number of jobs, each the same signed POST, on the same server.
    private func measurePeer(sink: LoopbackServer, harness: PostgresHarness) async throws -> Figures {
        guard let python = Self.onPath("python3") else { throw BenchError("no python3 on PATH for the peer") }
        let script = (peer as NSString).standardizingPath.hasPrefix("/") ? peer : FileManager.default.currentDirectoryPath + "/" + peer
        let root = NSTemporaryDirectory() + "fafang-outbox-peer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try harness.createDatabase("peer")
        let dsn = harness.url(database: "peer")
        let enqueued = try BenchChild.run(python, [script, "enqueue", "--dsn", dsn, "--jobs", String(messages)],
                                          stdout: root + "/enqueue.out", stderr: root + "/enqueue.err")
        guard enqueued.status == 0 else {
            throw BenchError("the peer could not enqueue (is pgqueuer installed? make setup): "
                             + ((try? String(contentsOfFile: root + "/enqueue.err", encoding: .utf8)) ?? "").suffix(600))
        }
        let before = sink.statistics.requests
        let serverBefore = Self.serverCPU(harness)
        let started = ContinuousClock.now
        let worker = try BenchChild.spawn(python, [script, "work", "--dsn", dsn, "--url", sink.baseURL + "/hook"],
                                          stdout: root + "/work.out", stderr: root + "/work.err")
        let done = await sink.waitUntil(timeout: .seconds(timeout)) { [messages] in $0.requests - before >= messages }
        let elapsed = (ContinuousClock.now - started).seconds
        if !done { kill(worker.pid, SIGTERM) }
        let measured = worker.wait()
        guard done else { throw BenchError("pgqueuer: only \(sink.statistics.requests - before) of \(messages) jobs reached the sink") }
        try await Self.waitForBackendsToEnd(harness)
        return Figures(setup: "pgqueuer 1.6.0 (PyPI), 1 worker", seconds: elapsed, daemonCPU: measured.cpuSeconds,
                       serverCPU: Self.serverCPU(harness).flatMap { after in serverBefore.map { after - $0 } })
    }

    static func onPath(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The postmaster's pid, from its pid file.
    static func postmaster(_ harness: PostgresHarness) -> Int32? {
        (try? String(contentsOfFile: harness.root + "/data/postmaster.pid", encoding: .utf8))?
            .split(separator: "\n").first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// CPU seconds of the server so far: the postmaster, its live processes, and (cutime,
    /// cstime) the ones it reaped.
    static func serverCPU(_ harness: PostgresHarness) -> Double? {
        guard let master = postmaster(harness), let own = stat(master) else { return nil }
        var ticks = own.utime + own.stime + own.cutime + own.cstime
        for child in children(of: master) { if let s = stat(child) { ticks += s.utime + s.stime } }
        return Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func waitForBackendsToEnd(_ harness: PostgresHarness) async throws {
        guard let master = postmaster(harness) else { return }
        // Auxiliary processes stay (checkpointer, writers, launchers): client backends go.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let backends = children(of: master).filter { pid in
                ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("fafang")
            }
            if backends.isEmpty { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func children(of parent: Int32) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).filter { stat($0)?.ppid == parent }
    }

    struct ProcStat {
        var ppid: Int32
        var utime, stime, cutime, cstime: Int
    }

    static func stat(_ pid: Int32) -> ProcStat? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the name: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 15, let ppid = Int32(fields[1]), let utime = Int(fields[11]), let stime = Int(fields[12]),
              let cutime = Int(fields[13]), let cstime = Int(fields[14]) else { return nil }
        return ProcStat(ppid: ppid, utime: utime, stime: stime, cutime: cutime, cstime: cstime)
    }
}

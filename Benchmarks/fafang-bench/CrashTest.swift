import ArgumentParser
import FafangCore
import FafangPostgres
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench crash`: thousands of pending messages, daemons killed with SIGKILL at random
/// moments and restarted, a sink counting what arrives. Every message must arrive; a message
/// that arrives twice must carry a key already seen (so the receiver can drop it); and (with
/// several daemons on PostgreSQL) no two attempts of one key may reach the sink at once.
struct CrashTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash",
        abstract: "Kill -9 daemons at random moments while they send; count lost, duplicate and overlapping messages.",
        discussion: """
            With --store postgresql it starts a private PostgreSQL cluster (initdb, a free loopback port) and runs --daemons \
            daemons on it, killing a random one each round. Prints lost / duplicate / overlap counts and exits 1 if any \
            message was lost or any two attempts of one key overlapped.
            """)

    enum StoreKind: String, ExpressibleByArgument, CaseIterable {
        case sqlite, postgresql
    }

    @Option(help: "Messages in the outbox at the start.") var messages = 2_000
    @Option(help: "How many times a daemon is killed with SIGKILL.") var kills = 5
    @Option(help: "Longest run before a kill, in milliseconds (each run is random up to this).") var maxRunMilliseconds = 1_500
    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "The Templates folder.") var templates = "Templates"
    @Option(help: "Seconds to wait for the last run to deliver everything.") var timeout = 120.0
    @Option(help: "Seed for the kill times.") var seed: UInt64 = 1
    @Option(help: "The store: sqlite, or postgresql (a private cluster).") var store: StoreKind = .sqlite
    @Option(help: "Daemons sharing the store (postgresql only).") var daemons = 1
    @Option(help: "Longest time the sink takes to answer, in milliseconds (random up to this), so attempts last long enough to overlap if they could.")
    var sinkMilliseconds = 5

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
        guard store == .postgresql || daemons == 1 else { throw ValidationError("--daemons above 1 needs --store postgresql") }
        guard daemons >= 1 else { throw ValidationError("--daemons must be at least 1") }
        let templatesPath = (templates as NSString).standardizingPath.hasPrefix("/") ? templates
            : FileManager.default.currentDirectoryPath + "/" + templates
        let root = NSTemporaryDirectory() + "fafang-crash-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }

        let seen = SeenKeys()
        let pause = max(0, sinkMilliseconds)
        let sink = try LoopbackServer(recordingRequests: false) { request in
            let key = request.header("webhook-id")
            let began = ContinuousClock.now
            if pause > 0 { usleep(useconds_t(Int.random(in: 0...pause) * 1000)) }
            if let key { seen.add(key, from: began, to: ContinuousClock.now) }
            return .status(200)
        }
        defer { sink.stop() }

        var harness: PostgresHarness?
        defer { harness?.stop() }
        var storeTable = ""
        if store == .postgresql {
            let cluster = try PostgresHarness()
            harness = cluster
            try cluster.createDatabase("crash")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try (cluster.url(database: "crash") + "\n").write(toFile: root + "/pg-url", atomically: true, encoding: .utf8)
            storeTable = """

                [store]
                kind = "postgresql"
                url_file = "pg-url"
                tls = "disable"
                poll_seconds = 1
                leader_retry_seconds = 1
                """
        }
        try CrashConfig.write(root: root, sinkURL: sink.baseURL + "/hook", templates: templatesPath, extra: storeTable)
        let outbox: any Store
        if let harness {
            outbox = try await PostgresStore.open(url: harness.url(database: "crash"), settings: PostgresSettings(url: .file(""), tls: .disable),
                                                  logger: Logger(label: "crash") { _ in SwiftLogNoOpLogHandler() })
        } else {
            outbox = try SQLiteStore.open(directory: root + "/state")
        }
        try await CrashConfig.fill(outbox, messages: messages, prefix: "crash")
        print("crash test: \(messages) messages, \(kills) kills, \(daemons) daemon(s) on \(store.rawValue), sink \(sink.baseURL)")

        let began = ContinuousClock.now
        var running = try (0..<daemons).map { _ in try launch(binary, root: root) }
        var generator = SplitMix64(seed: seed)
        for round in stride(from: 1, through: kills, by: 1) {
            let wait = UInt64.random(in: 100...UInt64(max(101, maxRunMilliseconds)), using: &generator)
            try await Task.sleep(for: .milliseconds(wait))
            let victim = Int(UInt64.random(in: 0...UInt64(daemons - 1), using: &generator))
            kill(running[victim].processIdentifier, SIGKILL)
            running[victim].waitUntilExit()
            running[victim] = try launch(binary, root: root)
            print("  kill \(round): daemon \(victim + 1) killed after \(wait) ms and restarted; \(seen.unique) of \(messages) seen, \(seen.total) received")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let counts = try await outbox.outboxCounts()
            if (counts[.pending] ?? 0) + (counts[.sending] ?? 0) == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let elapsed = ContinuousClock.now - began
        for process in running {
            process.terminate()
            process.waitUntilExit()
        }
        (outbox as? PostgresStore)?.close()

        let delivered = (0..<messages).filter { seen.contains("crash-\($0)") }.count
        let lost = messages - delivered
        let duplicates = seen.total - seen.unique
        let overlapping = seen.overlappingKeys()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("crash test result: messages \(messages), delivered \(delivered), lost \(lost), duplicates \(duplicates) (every duplicate carried an already-seen idempotency key), overlapping attempts \(overlapping.count), kills \(kills), daemons \(daemons), store \(store.rawValue), \(String(format: "%.1f", seconds)) s")
        if !overlapping.isEmpty { print("  keys whose attempts overlapped: \(overlapping.prefix(10).joined(separator: ", "))") }
        if lost > 0 || !overlapping.isEmpty { throw ExitCode(1) }
    }

    private func launch(_ binary: String, root: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--config", root, "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Idempotency keys the sink received, with how many requests in all and when each attempt
/// was being answered (guarded by a Mutex).
final class SeenKeys: Sendable {
    private let state = Mutex<(keys: [String: [Range<ContinuousClock.Instant>]], total: Int)>((keys: [:], total: 0))
    func add(_ key: String, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) {
        state.withLock {
            $0.keys[key, default: []].append(start..<max(end, start))
            $0.total += 1
        }
    }
    func contains(_ key: String) -> Bool { state.withLock { $0.keys[key] != nil } }
    var unique: Int { state.withLock { $0.keys.count } }
    var total: Int { state.withLock { $0.total } }

    /// Keys two of whose attempts were being answered at the same time.
    func overlappingKeys() -> [String] {
        state.withLock { state in
            state.keys.compactMap { key, spans in
                let sorted = spans.sorted { $0.lowerBound < $1.lowerBound }
                return zip(sorted, sorted.dropFirst()).contains { $1.lowerBound < $0.upperBound } ? key : nil
            }.sorted()
        }
    }
}

/// The crash test's configuration: one operating project, one village, the sink as a signed webhook.
enum CrashConfig {
    /// Enqueues `messages` webhooks to the sink, due now, keyed `PREFIX-N` (5,000 per transaction).
    static func fill(_ store: any Store, messages: Int, prefix: String) async throws {
        let now = Date()
        for start in stride(from: 0, to: messages, by: 5_000) {
            let items = (start..<min(messages, start + 5_000)).map { index in
                OutboxItem(idempotencyKey: "\(prefix)-\(index)", eventKey: "\(prefix)-event-\(index)", kind: .paymentRecorded, projectCode: "OPS",
                           channel: .webhook, gateway: "sink", recipient: "sink", village: nil, payeeID: nil, text: "消息 \(index)", title: nil,
                           notBefore: now)
            }
            let events = items.map { DueEvent(key: $0.eventKey, kind: .paymentRecorded, projectCode: "OPS", audiences: [], facts: .init()) }
            try await store.enqueue(EnqueueBatch(events: events, items: items), now: now)
        }
    }

    static func write(root: String, sinkURL: String, templates: String, paths: String = "", extra: String = "", batchSize: Int = 50,
                      concurrency: Int = 32) throws {
        let files: [String: String] = [
            "fafang.toml": BenchFiles.settings(templates: templates, paths: paths, rest: """
            [dispatch]
            lease_seconds = 3
            batch_size = \(batchSize)
            concurrency = \(concurrency)

            [delivery]
            connect_timeout_ms = 1000
            total_timeout_ms = 2000

            [endpoints.sink]
            kind = "webhook"
            url = "\(sinkURL)"
            secret_file = "sink.whsec"
            \(extra)
            """),
            "sink.whsec": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
            "villages.csv": "id,name\nV1,甲村\n",
            "projects/ops.toml": """
            code = "OPS"
            name = "办公经费"
            kind = "operating"
            year = 2099
            [budget]
            total_wan = "1.00"
            fiscal_wan = "1.00"
            other_wan = "0"
            [[plan]]
            deadline = 2099-12-31
            cumulative_percent = "100"

            """,
        ]
        try BenchFiles.write(files, under: root)
    }
}

import ArgumentParser
import FafangCore
import FafangStore
import FafangTestSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `fafang-bench crash`: thousands of pending messages, a daemon killed with SIGKILL at random
/// moments and restarted, a sink counting what arrives. Every message must arrive; a message
/// that arrives twice must carry a key already seen (so the receiver can drop it).
struct CrashTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash",
        abstract: "Kill -9 the daemon at random moments while it sends; count lost and duplicate messages.",
        discussion: "Prints lost / duplicate counts and exits 1 if any message was lost.")

    @Option(help: "Messages in the outbox at the start.") var messages = 2_000
    @Option(help: "How many times the daemon is killed with SIGKILL.") var kills = 5
    @Option(help: "Longest run before a kill, in milliseconds (each run is random up to this).") var maxRunMilliseconds = 1_500
    @Option(help: "The fafang binary (default: next to this one).") var fafang: String?
    @Option(help: "The Templates folder.") var templates = "Templates"
    @Option(help: "Seconds to wait for the last run to deliver everything.") var timeout = 120.0
    @Option(help: "Seed for the kill times.") var seed: UInt64 = 1

    func run() async throws {
        let binary = fafang ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/fafang"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no fafang binary at \(binary)") }
        let templatesPath = (templates as NSString).standardizingPath.hasPrefix("/") ? templates
            : FileManager.default.currentDirectoryPath + "/" + templates
        let root = NSTemporaryDirectory() + "fafang-crash-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }

        let seen = SeenKeys()
        let sink = try LoopbackServer(recordingRequests: false) { request in
            if let key = request.header("webhook-id") { seen.add(key) }
            return .status(200)
        }
        defer { sink.stop() }
        try CrashConfig.write(root: root, sinkURL: sink.baseURL + "/hook", templates: templatesPath)

        let store = try SQLiteStore.open(directory: root + "/state")
        let now = Date()
        let items = (0..<messages).map { index in
            OutboxItem(idempotencyKey: "crash-\(index)", eventKey: "crash-event-\(index)", kind: .paymentRecorded, projectCode: "OPS",
                       channel: .webhook, gateway: "sink", recipient: "sink", village: nil, payeeID: nil,
                       text: "消息 \(index)", title: nil, notBefore: now)
        }
        let events = items.map { DueEvent(key: $0.eventKey, kind: .paymentRecorded, projectCode: "OPS", audiences: [], facts: .init()) }
        try await store.enqueue(EnqueueBatch(events: events, items: items), now: now)
        print("crash test: \(messages) messages, \(kills) kills, sink \(sink.baseURL)")

        var generator = SplitMix64(seed: seed)
        for round in 1...kills {
            let process = try launch(binary, root: root)
            let wait = UInt64.random(in: 100...UInt64(max(101, maxRunMilliseconds)), using: &generator)
            try await Task.sleep(for: .milliseconds(wait))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            print("  run \(round): killed after \(wait) ms; \(seen.unique) of \(messages) seen, \(seen.total) received")
        }
        let last = try launch(binary, root: root)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let counts = try await store.outboxCounts()
            if (counts[.pending] ?? 0) + (counts[.sending] ?? 0) == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        last.terminate()
        last.waitUntilExit()

        let delivered = (0..<messages).filter { seen.contains("crash-\($0)") }.count
        let lost = messages - delivered
        let duplicates = seen.total - seen.unique
        print("crash test result: messages \(messages), delivered \(delivered), lost \(lost), duplicates \(duplicates) (every duplicate carried an already-seen idempotency key), kills \(kills)")
        if lost > 0 { throw ExitCode(1) }
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

/// Idempotency keys the sink received, with how many requests in all (guarded by a Mutex).
final class SeenKeys: Sendable {
    private let state = Mutex<(keys: Set<String>, total: Int)>((keys: [], total: 0))
    func add(_ key: String) { state.withLock { $0.keys.insert(key); $0.total += 1 } }
    func contains(_ key: String) -> Bool { state.withLock { $0.keys.contains(key) } }
    var unique: Int { state.withLock { $0.keys.count } }
    var total: Int { state.withLock { $0.total } }
}

/// The crash test's configuration: one operating project, one village, the sink as a signed webhook.
enum CrashConfig {
    static func write(root: String, sinkURL: String, templates: String) throws {
        let files: [String: String] = [
            "fafang.toml": BenchFiles.settings(templates: templates, rest: """
            [dispatch]
            lease_seconds = 2
            batch_size = 50

            [endpoints.sink]
            kind = "webhook"
            url = "\(sinkURL)"
            secret_file = "sink.whsec"
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

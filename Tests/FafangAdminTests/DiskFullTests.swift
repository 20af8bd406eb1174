import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangPostgres
import FafangStore
import FafangTestSupport
import Foundation
import Synchronization
import Testing

/// The database out of space while the daemon runs (issue 14): SQLite's `PRAGMA max_page_count`
/// lowered to the pages the file has, mid-run, through the daemon as `fafang run` assembles it
/// (`DaemonBuilder`, the service group, the admin server). `fafang-bench diskfull` does the same
/// with a real full filesystem through the binary.
@Suite("Disk full", .serialized)
struct DiskFullTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates").path

    static let messages = 600

    /// How a test takes the store's space away and gives it back.
    struct Space: Sendable {
        var store: @Sendable (ConfigFixture, Runtime) async throws -> any Store
        var exhaust: @Sendable () async throws -> Void
        var free: @Sendable () async throws -> Void
        /// Whether a delivery report's write needs space the store no longer has (SQLite: any
        /// page; PostgreSQL: only the attempts live on the full tablespace).
        var receiptsNeedSpace: Bool
        var usePostgres: String?
    }

    @Test("SQLite out of space mid-run: the daemon stays up, claims nothing more, keeps its results, answers 503 with Retry-After; once space is freed each message is recorded and sent exactly once")
    func sqliteOutOfSpaceThenFreed() async throws {
        let holder = Mutex<SQLiteStore?>(nil)
        try await Self.outOfSpaceThenFreed(Space(
            store: { _, runtime in
                // A file in WAL mode, as `fafang run` opens it.
                let store = try SQLiteStore.open(directory: runtime.configuration.settings.stateDirectory)
                holder.withLock { $0 = store }
                return store
            },
            // No page more than the file has: the next write that needs one fails with SQLITE_FULL.
            exhaust: { try await holder.withLock { $0! }.execute(sql: "PRAGMA max_page_count = 1") },
            free: { try await holder.withLock { $0! }.execute(sql: "PRAGMA max_page_count = 1073741823") },
            receiptsNeedSpace: true))
    }

    @Test("PostgreSQL out of space mid-run (SQLSTATE 53100 from a full tablespace): the same, and it resumes on its own",
          .enabled(if: getuid() == 0 && PostgresHarness.binaries() != nil))
    func postgresOutOfSpaceThenFreed() async throws {
        let harness = try await PostgresHarness.shared()
        let database = try await harness.freshDatabase("full")
        // The attempts and the probe on a tablespace of their own: a 2 MiB tmpfs, filled by a file.
        let space = NSTemporaryDirectory() + "fafang-pgspace-" + UUID().uuidString.prefix(8).lowercased()
        let location = space + "/ts"
        let filler = space + "/filler"
        let tablespace = "full_" + UUID().uuidString.prefix(8).lowercased().filter(\.isLetter)
        try FileManager.default.createDirectory(atPath: space, withIntermediateDirectories: true)
        #expect(Self.shell("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "fafang-pgspace", space]) == 0, "mount a tmpfs")
        defer {
            _ = Self.shell("/usr/bin/umount", ["-l", space])
            try? FileManager.default.removeItem(atPath: space)
        }
        try FileManager.default.createDirectory(atPath: location, withIntermediateDirectories: true)
        #expect(Self.shell("/bin/chown", ["postgres:postgres", location]) == 0)
        try harness.psql("CREATE TABLESPACE \(tablespace) LOCATION '\(location)'")
        let holder = Mutex<PostgresStore?>(nil)
        try await Self.outOfSpaceThenFreed(Space(
            store: { _, runtime in
                guard case let .postgresql(settings) = runtime.configuration.settings.store else { throw InquiryTests.TimedOut(what: "[store] postgresql") }
                let store = try await StoreOpener.openPostgres(settings, logger: CapturedLog().logger("store"))
                for table in ["delivery_attempt", "space_probe"] {
                    try harness.psql("ALTER TABLE \(table) SET TABLESPACE \(tablespace)", database: database)
                }
                holder.withLock { $0 = store }
                return store
            },
            exhaust: { try fillFileSystem(with: filler) },
            free: { try FileManager.default.removeItem(atPath: filler) },
            receiptsNeedSpace: false, usePostgres: harness.url(database: database)))
        holder.withLock { $0 }?.close()
        for table in ["delivery_attempt", "space_probe"] {
            try harness.psql("ALTER TABLE \(table) SET TABLESPACE pg_default", database: database)
        }
        try harness.psql("DROP TABLESPACE \(tablespace)")
    }

    static func outOfSpaceThenFreed(_ space: Space) async throws {
        let received = Mutex<[String: Int]>([:])
        let sink = try LoopbackServer(recordingRequests: false) { request in
            let key = request.header("webhook-id") ?? request.header("idempotency-key") ?? "\(request.path)|\(request.bodyText)"
            received.withLock { $0[key, default: 0] += 1 }
            return .text("{\"code\":\"OK\"}")
        }
        defer { sink.stop() }
        @Sendable func sent(_ keys: Range<Int>) -> [String] { received.withLock { seen in keys.map { "full-\($0)" }.filter { seen[$0] != nil } } }

        var fixture = ConfigFixture()
        fixture.useTemplates(at: Self.templates)
        fixture.sendEverything(to: sink.baseURL)
        fixture.holdNothing()
        fixture.files["fafang.toml", default: ""] += """

            [admin]
            listen = "127.0.0.1:0"
            token_file = "secrets/admin-token"

            [dispatch]
            lease_seconds = 600
            concurrency = 4
            batch_size = 20

            """
        fixture.files["secrets/admin-token"] = AdminTestRig.token + "\n"
        if let url = space.usePostgres { fixture.usePostgres(url: url) }
        let root = try fixture.write()
        defer { fixture.remove() }
        let load = Runtime.load(path: root)
        let runtime = try #require(load.runtime, "\(load.diagnostics)")
        let store = try await space.store(fixture, runtime)
        let clock = AdminTestRig.clock
        let now = clock.now
        let items = (0..<Self.messages).map { index in
            OutboxItem(idempotencyKey: "full-\(index)", eventKey: "full-event-\(index)", kind: .paymentRecorded, projectCode: "RENT01",
                       channel: .webhook, gateway: "finance-office", recipient: "finance-office", village: nil, payeeID: nil,
                       text: "通知 \(index)", title: nil, notBefore: now)
        }
        _ = try await store.enqueue(EnqueueBatch(events: items.map { DueEvent(key: $0.eventKey, kind: .paymentRecorded, projectCode: "RENT01",
                                                                               audiences: [], facts: .init()) }, items: items), now: now)
        let log = CapturedLog()
        var options = Daemon.Options(configPath: root, clock: clock)
        options.spaceRetryInterval = .milliseconds(100)
        let (addresses, continuation) = AsyncStream.makeStream(of: ListenAddress.self)
        let assembled = try DaemonBuilder.build(runtime: runtime, store: store, options: options, logger: log.logger("fafang"),
                                                onListening: { continuation.yield($0) })
        let health = assembled.daemon.storeHealth
        let engine = try CurlEngine()
        @Sendable func get(_ url: String) async throws -> HTTPResponse {
            try await engine.send(HTTPRequest(method: .get, url: url, headers: [], body: [])).result.get()
        }
        try await withRunningGroup(assembled.serviceGroup(handlingSignals: false), addresses: addresses, continuation: continuation) { base in
            try await InquiryTests.eventually("the daemon to send 60 messages") { sent(0..<Self.messages).count >= 60 }
            try await space.exhaust()
            try await InquiryTests.eventually("the store to be found out of space") { health.isOutOfSpace }
            #expect(health.status?.hasPrefix("STORE FULL since ") == true, "\(health.status ?? "nil")")

            // It stopped: across ten more failed tries (probes or held results, 100 ms apart)
            // the sink received nothing more, and far from everything was sent.
            try await InquiryTests.eventually("three more failed writes") { (health.outage?.failures ?? 0) >= 3 }
            let stoppedAt = sent(0..<Self.messages).count
            try await InquiryTests.eventually("ten more failed writes") { (health.outage?.failures ?? 0) >= 13 }
            #expect(sent(0..<Self.messages).count == stoppedAt, "sent while out of space")
            #expect(stoppedAt < Self.messages, "everything went out before the store was full: nothing was tested")

            // The admin server: metrics and health say so; receipts it cannot record get 503 with
            // Retry-After (long replies: each needs room a page does not have for long).
            let metrics = try await get(base + "/metrics").bodyText
            #expect(metrics.contains("fafang_store_out_of_space 1"), "\(metrics.split(separator: "\n").filter { $0.contains("store_") })")
            let healthz = try await get(base + "/healthz")
            #expect(healthz.status == 200 && healthz.bodyText.contains("\"out_of_space\""), "\(healthz.bodyText)")
            let reply = String(repeating: "SMSC reply ", count: 27)
            var refused: HTTPResponse?
            var receiptsTaken = 0
            for key in sent(0..<Self.messages) {
                let answer = try await get(base + "/receipts/kannel?id=\(key)&type=1&token=\(AdminTestRig.token)&reply="
                                           + reply.replacingOccurrences(of: " ", with: "%20"))
                if answer.status == 503 {
                    refused = answer
                    break
                }
                #expect(answer.status == 200, "\(answer.status) \(answer.bodyText)")
                receiptsTaken += 1
            }
            if space.receiptsNeedSpace {
                let refusal = try #require(refused, "every receipt was recorded (\(receiptsTaken)): none met the full store")
                #expect(refusal.headers.contains { $0.name.lowercased() == "retry-after" && $0.value == "60" }, "\(refusal.headers)")
            }
            #expect(health.isOutOfSpace)

            // Nothing lost: every message is in the outbox, none given up.
            let whileFull = try await store.outboxCounts()
            #expect((whileFull[.dead] ?? 0) == 0 && (whileFull[.failed] ?? 0) == 0, "\(whileFull)")
            #expect(whileFull.values.reduce(0, +) >= Self.messages, "\(whileFull)")

            // Space freed: the held results are written, claiming resumes, everything is sent.
            try await space.free()
            try await InquiryTests.eventually("the store to be written again") { !health.isOutOfSpace }
            try await InquiryTests.eventually("every message to be sent") {
                let counts = try await store.outboxCounts()
                return sent(0..<Self.messages).count == Self.messages && (counts[.sending] ?? 0) == 0 && (counts[.pending] ?? 0) == 0
            }
        }
        let twice = received.withLock { $0.filter { $0.value > 1 }.keys.sorted() }
        #expect(twice.isEmpty, "sent more than once: \(twice.prefix(10))")
        let all = try await store.messages(in: Set(MessageState.allCases), id: nil, since: nil).filter { $0.idempotencyKey.hasPrefix("full-") }
        #expect(all.count == Self.messages)
        #expect(all.allSatisfy { ($0.state == .sent || $0.state == .delivered) && $0.attempts == 1 },
                "\(all.filter { $0.attempts != 1 || ($0.state != .sent && $0.state != .delivered) }.prefix(5).map { "\($0.idempotencyKey) \($0.state) \($0.attempts)" })")
        #expect(log.text.contains("the database cannot be written: no space left"))
        #expect(log.text.contains("space freed: the database is written again"))
        #expect(health.heldResults == 0)
        await engine.shutdown(gracePeriod: .seconds(5))
        await assembled.daemon.engine.shutdown(gracePeriod: .seconds(5))
    }

    @Test("SQLITE_FULL is out of space; a constraint violation is not; the space probe fails while full and leaves no row")
    func classification() async throws {
        let directory = NSTemporaryDirectory() + "fafang-space-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore.open(directory: directory)
        try await store.execute(sql: "PRAGMA max_page_count = 1")
        var full: (any Error)?
        do { try await store.probeSpace() } catch { full = error }
        let error = try #require(full, "a 64 KiB row fitted in a database that may not grow")
        #expect(StoreSpace.isOutOfSpace(error), "\(error)")
        var constraint: (any Error)?
        do { try await store.execute(sql: "INSERT INTO space_probe (id, filler) VALUES (1, NULL)") } catch { constraint = error }
        #expect(constraint.map(StoreSpace.isOutOfSpace) == false)
        try await store.execute(sql: "PRAGMA max_page_count = 1073741823")
        try await store.probeSpace()
        let reader = try SQLiteStore.openForReading(path: directory + "/" + SQLiteStore.fileName)
        #expect(try await reader.rows(of: "space_probe", columns: ["id"], key: ["id"], after: nil, limit: 10).isEmpty)
    }

    static func shell(_ program: String, _ arguments: [String]) -> Int32 { (try? runProgram(program, arguments))?.status ?? -1 }
}

import FafangConfig
import FafangCore
@testable import FafangDaemon
import FafangPostgres
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Testing

/// `fafang migrate --from sqlite:PATH --to postgresql`: a township's store, filled through the
/// Store API, copied into a private PostgreSQL with equal counts and checksums, read back the
/// same through the Store protocol, its sequences past the copied ids; a second migration into
/// the now non-empty store is refused.
@Suite("Store migration: SQLite to PostgreSQL", .serialized)
struct StoreMigrationTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// 2021-03-15 02:00:00Z; instants below add binary fractions (exact as a `Date` on both sides).
    static let t0 = Date(timeIntervalSince1970: 1_615_773_600)
    static let day = CivilDate(iso: "2021-03-15")!

    static func message(_ key: String, event: String, channel: Channel = .sms, recipient: String, text: String,
                        hold: CivilDate? = nil, amount: Int64? = nil, recordedBy: String? = nil) -> OutboxItem {
        var item = OutboxItem(idempotencyKey: key, eventKey: event, kind: .paymentRecorded, projectCode: "RENT01", channel: channel,
                              gateway: channel == .sms ? "kannel" : "robot-a", recipient: recipient, village: "甲村",
                              payeeID: channel == .sms ? "H1" : nil, text: text, title: channel == .sms ? nil : "发放通知",
                              templateParameters: channel == .sms ? ["payee_name": "王淑兰", "amount": "2,160.00"] : [:],
                              notBefore: t0.addingTimeInterval(0.5))
        item.approval = hold.map { ApprovalHold(projectCode: "RENT01", day: $0) }
        item.amount = amount.map(Money.init(fen:))
        item.segments = channel == .sms ? 2 : 1
        item.recordedBy = recordedBy
        return item
    }

    static func event(_ key: String) -> DueEvent {
        var facts = DueEvent.Facts()
        facts.payeeID = "H1"
        facts.amount = .yuan(2160)
        facts.paymentDate = day
        facts.bankReference = "BANK-\"1\"\n"
        facts.cumulative = Percent(basisPoints: 2500)
        return DueEvent(key: key, kind: .paymentRecorded, projectCode: "RENT01", audiences: [.payee("H1"), .village("甲村"), .financeOffice], facts: facts)
    }

    /// A township's store with something in every table, through the Store API.
    static func fill(_ store: SQLiteStore) async throws {
        let clock = ManualClock(t0)
        let entries = [
            LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: .yuan(2160), date: day, bankReference: "BANK-1", recordedBy: "clerk-a"),
            LedgerEntry(projectCode: "RENT01", payeeID: "H2", amount: Money(fen: 324_001), date: day, bankReference: "BANK-2", recordedBy: "clerk-a"),
            LedgerEntry(projectCode: "RENT01", payeeID: "H1", amount: Money(fen: 99), date: day.adding(days: 1), bankReference: "BANK-3"),
        ]
        // Recorded at a millisecond no binary fraction is: the checksums render it exactly on both sides.
        _ = try await store.recordLedger(entries, source: "ledger-2021.csv", now: t0.addingTimeInterval(0.123)) { _, _ in nil }
        let items = [
            message("K-held-1", event: "E1", recipient: "17000000011", text: "王淑兰您好：租地费2,160.00元已发放。", hold: day, amount: 216_000, recordedBy: "clerk-a"),
            message("K-held-2", event: "E1", recipient: "17000000012", text: "“引号”\t和\\反斜杠", hold: day.adding(days: 1), amount: 99, recordedBy: "clerk-b"),
            message("K-sms", event: "E1", recipient: "17000000013", text: "您好"),
            message("K-robot", event: "E1", channel: .webhook, recipient: "robot-a", text: "甲村：本日发放 2 笔"),
        ]
        try await store.enqueue(EnqueueBatch(events: [event("E1"), event("E2")], items: items, problems: ["E2": "no SMS gateway configured"]), now: t0)
        let open = try await store.approvalBatches(states: [.open], limit: 10)
        let first = try #require(open.first { $0.day == day })
        _ = try await store.decide(BatchDecision(batchID: first.id, verdict: .approve, decidedBy: "approver-c", expectedCount: first.messageCount),
                                   now: t0.addingTimeInterval(60.25))
        // A claim and its commit, with the attempt, as the dispatcher does; then a receipt.
        clock.set(t0.addingTimeInterval(61))
        let claimed = try await store.claim(limit: 10, owner: "daemon-a", now: clock.now, lease: 60)
        #expect(claimed.count == 3, "the approved SMS, the other SMS and the webhook")
        for message in claimed where message.idempotencyKey != "K-robot" {
            var lifecycle = MessageLifecycle(message, clock: clock)
            guard case .persist = lifecycle.attempted(.delivered(reference: "REF-\(message.id)"), by: "daemon-a", retry: .standard, random: 0.5) else { continue }
            let attempt = DeliveryAttempt(outboxID: message.id, number: lifecycle.message.attempts, startedAt: clock.now, durationMilliseconds: 42,
                                          httpStatus: 202, curlCode: 0, verdict: .delivered, detail: "accepted, reference REF-\(message.id)")
            #expect(try await store.commit([MessageChange(from: message, to: lifecycle.message, attempt: attempt)]) == [nil])
        }
        let sms = try #require(try await store.message(matching: "K-sms", phone: nil))
        try await store.record(DeliveryReceipt(outboxID: sms.id, receivedAt: t0.addingTimeInterval(75.5), status: "DELIVRD", detail: "stat=DELIVRD err=000"))
        try await store.save(GatewayHealth(name: "robot-a", failingSince: t0.addingTimeInterval(30), failures: 6, lastFailure: "HTTP 502",
                                           pausedAt: t0.addingTimeInterval(90), pauseCause: .failing, nextProbeAt: t0.addingTimeInterval(390)),
                             requeueWaitingAt: nil)
        try await store.recordAudit(AuditEntry(at: t0.addingTimeInterval(60.25), actor: "approver-c", action: "batch.approve",
                                               subject: "batch \(first.id)", detail: "1 message, 2,160.00 元"))
        // An inquiry answered: its row, its reply (with its event) and its audit entry.
        let inquiry = InquiryRecord(intake: .kannel, providerID: "mo-1", phone: "17000000013", receivedAt: t0, understood: true, payees: 0)
        _ = try await store.recordInquiry(inquiry, reply: OutboxItem(
            idempotencyKey: "reply-mo-1", eventKey: inquiry.eventKey, kind: .inquiryUnknown, projectCode: "-", channel: .sms, gateway: "kannel",
            recipient: inquiry.phone, village: nil, payeeID: nil, text: "您好", title: nil, notBefore: t0), dailyLimit: 3, dayStart: t0)
    }

    /// What a store shows through the Store protocol, for comparing two.
    struct Snapshot: Equatable {
        var counts: [MessageState: Int]
        var ledger: [LedgerEntry]
        var last: Int64
        var totals: [LedgerDayTotal]
        var batches: [ApprovalBatch]
        var deliveries: [DeliveryRecord]
        var health: [GatewayHealth]
        var audit: [AuditEntry]
        var unrouted: [UnroutedEvent]
        var emitted: Set<String>
        var attempts: Int

        init(_ store: any Store) async throws {
            counts = try await store.outboxCounts()
            (ledger, last) = try await store.ledger(after: 0)
            totals = try await store.ledgerTotals()
            batches = try await store.approvalBatches(states: nil, limit: 100)
            deliveries = try await store.deliveries(DeliveryFilter())
            health = try await store.gatewayHealth()
            audit = try await store.auditLog(limit: 100, before: nil)
            unrouted = try await store.unroutedEvents()
            emitted = try await store.emittedKeys()
            attempts = try await store.attemptCount()
        }
    }

    /// A configuration whose `[store]` is the harness's database `county`.
    static func county(_ harness: PostgresHarness) async throws -> (fixture: ConfigFixture, root: String, settings: Settings, database: String) {
        let database = try await harness.freshDatabase("county")
        var fixture = ConfigFixture()
        fixture.useTemplates(at: repository.appendingPathComponent("Templates").path)
        fixture.usePostgres(url: harness.url(database: database))
        let root = try fixture.write()
        let outcome = ConfigLoader.load(path: root)
        let configuration = try #require(outcome.configuration, "\(outcome.diagnostics)")
        return (fixture, root, configuration.settings, database)
    }

    @Test func aWholeStoreMovesWithEqualChecksumsAndReadsTheSame() async throws {
        let harness = try await PostgresHarness.shared()
        let (fixture, root, settings, database) = try await Self.county(harness)
        defer { fixture.remove() }
        let directory = NSTemporaryDirectory() + "fafang-migrate-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sqlite = try SQLiteStore.open(directory: directory)
        try await Self.fill(sqlite)
        let before = try await Snapshot(sqlite)

        // Chunks of 2 rows: the keyset paging (one and two key columns) is crossed in every table.
        let outcome = try await StoreMigration.migrate(sqlitePath: directory + "/" + SQLiteStore.fileName, settings: settings, configPath: root,
                                                       logger: Self.logger, chunkSize: 2)
        #expect(outcome.committed, "\(outcome.lines.joined(separator: "\n"))")
        #expect(outcome.tables.map(\.table) == StoreMigration.tables.map(\.name))
        #expect(outcome.differing.isEmpty, "\(outcome.lines.joined(separator: "\n"))")
        let rows = Dictionary(uniqueKeysWithValues: outcome.tables.map { ($0.table, $0.postgres.rows) })
        #expect(rows == ["ledger_entry": 3, "ledger_day_total": 2, "emitted_event": 3, "approval_batch": 2, "approval_batch_recorder": 2,
                         "outbox": 5, "inquiry": 1, "delivery_attempt": 2, "delivery_receipt": 1, "gateway_state": 1, "audit_log": 2])
        #expect(outcome.lines.last == "migrate: 11 tables, all counts and checksums equal")
        #expect(outcome.lines.allSatisfy { !$0.contains("1700000001") }, "no phone numbers in the output")
        // The event kept whole is jsonb now, read back as the same event.
        #expect(try harness.psql("SELECT jsonb_typeof(event) FROM emitted_event WHERE key = 'E2'", database: database) == "object\n")

        let postgres = try await StoreOpener.open(settings, logger: Self.logger)
        defer { (postgres as? PostgresStore)?.close() }
        let after = try await Snapshot(postgres)
        #expect(after.counts == before.counts)
        #expect(after.ledger == before.ledger && after.last == before.last)
        #expect(after.totals == before.totals)
        #expect(after.batches == before.batches)
        #expect(after.deliveries == before.deliveries)
        #expect(after.health == before.health)
        #expect(after.audit == before.audit)
        #expect(after.unrouted == before.unrouted)
        #expect(after.emitted == before.emitted && after.attempts == before.attempts)
        #expect(after == before)

        // New rows get ids above the copied ones, in every table with a sequence.
        let maxOutbox = try #require(before.deliveries.map(\.message.id).max())
        let maxBatch = try #require(before.batches.map(\.id).max())
        try await postgres.enqueue(EnqueueBatch(events: [Self.event("E3")], items: [
            Self.message("K-new", event: "E3", recipient: "17000000014", text: "新消息", hold: Self.day.adding(days: 2), amount: 100, recordedBy: "clerk-a"),
        ]), now: Self.t0.addingTimeInterval(3600))
        let new = try #require(try await postgres.message(matching: "K-new", phone: nil))
        #expect(new.id > maxOutbox, "outbox id \(new.id) after \(maxOutbox)")
        #expect(try #require(new.batchID) > maxBatch)
        let recorded = try await postgres.recordLedger([LedgerEntry(projectCode: "RENT01", payeeID: "H3", amount: .yuan(1), date: Self.day, bankReference: "BANK-4")],
                                                       source: "test", now: Self.t0) { _, _ in nil }
        #expect(recorded.inserted.count == 1)
        #expect(try await postgres.ledger(after: before.last).last > before.last)
        try await postgres.recordAudit(AuditEntry(at: Self.t0, actor: "admin", action: "test", subject: "-"))
        #expect(try await postgres.auditLog(limit: 1, before: nil).first?.id ?? 0 > before.audit.map(\.id).max() ?? 0)

        // A second migration into the store, no longer empty, is refused, and changes nothing.
        let refusal = await #expect(throws: StoreMigration.Refusal.self) {
            _ = try await StoreMigration.migrate(sqlitePath: directory, settings: settings, configPath: root, logger: Self.logger)
        }
        let refused = refusal.map { "\($0)" } ?? ""
        #expect(refused.contains("a migration goes into an empty store") && refused.contains("outbox") && refused.contains("ledger_entry"), "\(refused)")
        #expect(try harness.psql("SELECT count(*) FROM outbox", database: database) == "6\n")
    }

    @Test func aConfigurationOnSQLiteIsRefusedAsTheTarget() throws {
        let fixture = ConfigFixture()
        let root = try fixture.write()
        defer { fixture.remove() }
        let settings = try #require(ConfigLoader.load(path: root).configuration).settings
        let refusal = #expect(throws: StoreMigration.Refusal.self) { try StoreMigration.target(settings, configPath: root) }
        #expect(refusal?.description.contains("is sqlite, not postgresql") == true)
    }

    @Test func aMissingSQLiteFileIsRefused() async throws {
        let harness = try await PostgresHarness.shared()
        let (fixture, root, settings, _) = try await Self.county(harness)
        defer { fixture.remove() }
        let refusal = await #expect(throws: StoreMigration.Refusal.self) {
            _ = try await StoreMigration.migrate(sqlitePath: root + "/no-such.sqlite", settings: settings, configPath: root, logger: Self.logger)
        }
        #expect(refusal?.description.contains("no such database file") == true)
    }

    /// The checksum renders a JSON column as PostgreSQL prints the jsonb it stored.
    @Test func jsonIsRenderedAsPostgreSQLPrintsJsonb() async throws {
        let harness = try await PostgresHarness.shared()
        let samples = [
            #"{"b":1,"a":2,"aa":{"z":[],"y":{}},"kind":"payment_recorded"}"#,
            #"{"audiences":[{"payee":{"_0":"H1"}},{"financeOffice":{}}],"facts":{"amount":{"fen":216000},"paymentDate":"2021-03-15"}}"#,
            #"["引号 \"q\" \\ \/ \n\t\r\b\f \u0001 \u00e9 \ud83d\ude00", -0, 1.50, 1.5e3, 15e-1, 1E+2, 0.000, -12.340e-2, true, false, null]"#,
            #"{"x": 1, "x": 2}"#,
            #"  "scalar"  "#,
        ]
        for sample in samples {
            let printed = try harness.psql("SELECT $json$\(sample)$json$::jsonb::text")
            #expect(try StoreMigration.Canonical.jsonbText(sample) + "\n" == printed, "\(sample)")
        }
    }

    @Test func outcomeLinesNameTheTablesThatDiffer() {
        let same = StoreMigration.Tally(rows: 2, md5: "aa")
        let outcome = StoreMigration.Outcome(tables: [
            StoreMigration.TableCheck(table: "outbox", sqlite: same, postgres: same),
            StoreMigration.TableCheck(table: "audit_log", sqlite: same, postgres: StoreMigration.Tally(rows: 1, md5: "bb")),
        ], committed: false)
        #expect(outcome.lines == [
            "outbox: sqlite 2 rows md5 aa | postgresql 2 rows md5 aa ok",
            "audit_log: sqlite 2 rows md5 aa | postgresql 1 rows md5 bb DIFFERENT",
            "migrate: counts or checksums differ in audit_log; the copy was rolled back, nothing was migrated",
        ])
    }

    @Test func instantsAreMicrosecondsSince1970() throws {
        #expect(try StoreMigration.Canonical.microseconds("1970-01-01 00:00:00.000") == 0)
        #expect(try StoreMigration.Canonical.microseconds("2021-03-15 02:00:00.123") == 1_615_773_600_123_000)
        #expect(try StoreMigration.Canonical.microseconds("2021-03-15T02:00") == 1_615_773_600_000_000)
        #expect(try StoreMigration.Canonical.microseconds("1969-12-31 23:59:59.5") == -500_000)
        for bad in ["2021-03-15", "2021-02-30 00:00:00", "2021-03-15 24:00:00", "2021-03-15 02:00:00.1234567", "2021-03-15 02:00:00Z"] {
            #expect(throws: StoreMigration.Canonical.Problem.self, "\(bad)") { try StoreMigration.Canonical.microseconds(bad) }
        }
    }
}

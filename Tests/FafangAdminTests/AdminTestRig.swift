import FafangAdmin
import FafangConfig
import FafangCore
import FafangDaemon
import FafangDelivery
import FafangStore
import FafangTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The admin server's parts around an in-memory store and the test configuration (`RENT01`:
/// H1 owed 2,160.00, H2 owed 3,240.00; `TRANS01`: V1 and V2 by shares 1:2 of 10,000.00), on a
/// fixed clock (2021-06-20 10:00 in Shanghai), with a 4 KiB body limit.
struct AdminTestRig {
    static let token = "TOKEN-admin-0123456789"
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let now = CivilDate(iso: "2021-06-20")!.start(in: zone).addingTimeInterval(10 * 3600)
    static let phone = "17000000011"
    /// A clock that all but stands still at `now`.
    static let clock = DaemonClock(start: now, rate: 1e-9)

    let fixture: ConfigFixture
    let runtime: LiveConfiguration<Runtime>
    let database: SQLiteStore
    let metrics: AdminMetrics
    let log: CapturedLog
    let settings: AdminSettings

    /// - Parameter configure: changes to the configuration before it is written (the console's tests add operators).
    init(maxBodyBytes: Int = 4096, configure: (inout ConfigFixture) -> Void = { _ in }) throws {
        var fixture = ConfigFixture()
        fixture.useTemplates(at: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates").path)
        configure(&fixture)
        self.fixture = fixture
        let load = Runtime.load(path: try fixture.write())
        runtime = LiveConfiguration(try #require(load.runtime, "\(load.diagnostics)"))
        database = try SQLiteStore.inMemory()
        metrics = AdminMetrics()
        log = CapturedLog()
        settings = AdminSettings(listen: ListenAddress(host: "127.0.0.1", port: 0), token: .file("/unused"), maxBodyBytes: maxBodyBytes)
    }

    func remove() { fixture.remove() }

    var dependencies: AdminDependencies {
        AdminDependencies(store: database, runtime: runtime, metrics: metrics,
                          token: AdminToken(Secret(Self.token)), clock: Self.clock)
    }

    func application(onListening: @escaping @Sendable (ListenAddress) async -> Void = { _ in }) -> AdminApplication {
        buildAdminApplication(settings: settings, dependencies: dependencies, logger: log.logger(), onListening: onListening)
    }

    /// Enqueues one message and marks it sent through `gateway` with `reference` (with its
    /// attempt recorded when `attempt`); returns its id.
    @discardableResult
    func sentMessage(key: String, gateway: String = "kannel", channel: Channel = .sms, recipient: String = AdminTestRig.phone,
                     reference: String? = nil, attempt: Bool = false) async throws -> Int64 {
        let event = DueEvent(key: "E-" + key, kind: .paymentRecorded, projectCode: "RENT01", audiences: [.payee("H1")], facts: .init())
        let item = OutboxItem(idempotencyKey: key, eventKey: event.key, kind: .paymentRecorded, projectCode: "RENT01", channel: channel,
                              gateway: gateway, recipient: recipient, village: "甲村", payeeID: "H1", text: "王一户：租地费已发放。",
                              title: nil, notBefore: Self.now)
        try await database.enqueue(EnqueueBatch(events: [event], items: [item]), now: Self.now)
        let message = try #require(try await database.claim(limit: 1, owner: "test", now: Self.now, lease: 60).first)
        var lifecycle = MessageLifecycle(message, clock: Self.clock)
        _ = lifecycle.attempted(.delivered(reference: reference), by: "test", retry: .standard, random: 0.5)
        let record = DeliveryAttempt(outboxID: message.id, number: 1, startedAt: Self.now, durationMilliseconds: 120, httpStatus: 202, curlCode: nil,
                                     verdict: .delivered, detail: "Accepted")
        _ = try await database.commit([MessageChange(from: message, to: lifecycle.message, attempt: attempt ? record : nil)])
        return message.id
    }

    func state(_ id: Int64) async throws -> MessageState? { try await database.message(id: id)?.state }

    func receipts(_ id: Int64) async throws -> [String] { try await receiptRecords(id).map(\.status) }

    func receiptRecords(_ id: Int64) async throws -> [DeliveryReceipt] {
        try await database.deliveries(DeliveryFilter()).first { $0.message.id == id }?.receipts ?? []
    }

    /// Asserts that no log line holds the token or a full phone number.
    func expectCleanLogs(sourceLocation: SourceLocation = #_sourceLocation) {
        let text = log.text
        #expect(!text.contains(Self.token), "a log line holds the token", sourceLocation: sourceLocation)
        #expect(!text.contains("TOKEN-"), "a log line holds a token", sourceLocation: sourceLocation)
        #expect(!text.contains(Self.phone) && !text.contains("13812345678"), "a log line holds a full phone number",
                sourceLocation: sourceLocation)
    }
}

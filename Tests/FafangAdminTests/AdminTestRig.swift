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

    let fixture: ConfigFixture
    let configuration: LiveConfiguration<Configuration>
    let database: AppDatabase
    let metrics: AdminMetrics
    let log: CapturedLog
    let settings: AdminSettings

    init(maxBodyBytes: Int = 4096) throws {
        fixture = ConfigFixture()
        let outcome = ConfigLoader.load(path: try fixture.write())
        configuration = LiveConfiguration(try #require(outcome.configuration, "\(outcome.diagnostics)"))
        database = try AppDatabase.inMemory()
        metrics = AdminMetrics()
        log = CapturedLog()
        settings = AdminSettings(listen: ListenAddress(host: "127.0.0.1", port: 0), token: .file("/unused"), maxBodyBytes: maxBodyBytes)
    }

    func remove() { fixture.remove() }

    var dependencies: AdminDependencies {
        AdminDependencies(database: database, configuration: configuration, metrics: metrics,
                          token: AdminToken(Secret(Self.token)), clock: { AdminTestRig.now })
    }

    func application(onListening: @escaping @Sendable (ListenAddress) async -> Void = { _ in }) -> AdminApplication {
        buildAdminApplication(settings: settings, dependencies: dependencies, logger: log.logger(), onListening: onListening)
    }

    /// Enqueues one message and marks it sent through `gateway` with `reference`; returns its id.
    @discardableResult
    func sentMessage(key: String, gateway: String = "kannel", channel: Channel = .sms, recipient: String = AdminTestRig.phone,
                     reference: String? = nil) throws -> Int64 {
        let event = DueEvent(key: "E-" + key, kind: .paymentRecorded, projectCode: "RENT01", audiences: [.payee("H1")], facts: .init())
        let item = OutboxItem(idempotencyKey: key, eventKey: event.key, kind: .paymentRecorded, projectCode: "RENT01", channel: channel,
                              gateway: gateway, recipient: recipient, village: "甲村", payeeID: "H1", text: "王一户：租地费已发放。",
                              title: nil, notBefore: Self.now)
        try database.enqueue(events: [event], items: [item], now: Self.now)
        let row = try #require(try database.claim(limit: 1, owner: "test", now: Self.now, lease: 60).first)
        let id = try #require(row.id)
        try database.finish(id: id, owner: "test", attempt: nil, result: .sent(reference: reference), now: Self.now)
        return id
    }

    func state(_ id: Int64) throws -> OutboxState? { try database.outbox(id: id)?.outboxState }

    func receipts(_ id: Int64) throws -> [String] { try database.receipts(outboxID: id).map(\.status) }

    /// Asserts that no log line holds the token or a full phone number.
    func expectCleanLogs(sourceLocation: SourceLocation = #_sourceLocation) {
        let text = log.text
        #expect(!text.contains(Self.token), "a log line holds the token", sourceLocation: sourceLocation)
        #expect(!text.contains("TOKEN-"), "a log line holds a token", sourceLocation: sourceLocation)
        #expect(!text.contains(Self.phone) && !text.contains("13812345678"), "a log line holds a full phone number",
                sourceLocation: sourceLocation)
    }
}
